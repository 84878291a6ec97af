using MantisShrimp.Engine.Diagnostics;

namespace MantisShrimp.Engine.Tests;

public class StageTimingsTests
{
    [Fact]
    public void Stages_from_many_threads_add_up_and_stay_in_their_own_collection()
    {
        StageTimings inner;
        using (var session = StageTimings.Begin())
        {
            Parallel.For(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
            {
                using var s = StageTimings.Stage("work", 2);
            });
            StageTimings.Add("wait", 0.25, 0, background: true);
            using (var nested = StageTimings.Begin()) // another job (a test running meanwhile) does not see these
            {
                using (StageTimings.Stage("other", 1)) { }
                inner = nested.Timings;
            }
            Assert.Same(session.Timings, StageTimings.Current);
            var stages = session.Timings.Stages;
            Assert.Equal(["work", "wait"], stages.Select(s => s.Name));
            Assert.Equal(2000, stages[0].Items);
            Assert.False(stages[0].Background);
            Assert.True(stages[1].Background);
            Assert.Equal(0.25, stages[1].Seconds, 6);
            Assert.Equal("bottleneck: work (" , TimingsReport.Bottleneck(session.Timings)[..18]);
        }
        Assert.Equal(["other"], inner.Stages.Select(s => s.Name));
        Assert.Null(StageTimings.Current);
    }

    [Theory]
    [InlineData(73.77113427729647, "73.77")]
    [InlineData(0.17712, "0.1771")]
    [InlineData(2065.4, "2 065")]
    [InlineData(1.5e9, "1.5e+9")]
    public void Bench_values_read_with_four_digits(double value, string expected) => Assert.Equal(expected, BenchFormat.Value(value));
}
