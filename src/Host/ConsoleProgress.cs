using MantisShrimp.Engine.Common;

namespace MantisShrimp.Host;

/// <summary>
/// Draws progress on stderr: a redrawn bar on a terminal, otherwise (logs, CI, mpiexec) a line per 10% and at
/// least one a minute — both with the rate and the time left, which is what a run of hours is watched by.
/// </summary>
internal sealed class ConsoleProgress(bool quiet = false) : IProgressReporter
{
    private readonly bool _interactive = !Console.IsErrorRedirected;

    public IProgressTask Start(string label, long total) =>
        quiet ? NullProgress.Instance.Start(label, total) : new Task(this, label, total);

    public void Message(string text)
    {
        if (!quiet) Console.Error.WriteLine(text);
    }

    private sealed class Task : IProgressTask
    {
        private readonly ConsoleProgress _owner;
        private readonly string _label;
        private readonly long _total;
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly Lock _lock = new();
        private long _done;
        private long _lastDrawMs = -1000;
        private int _lastDecile = -1;
        private long _lastLineMs;

        public Task(ConsoleProgress owner, string label, long total)
        {
            _owner = owner;
            _label = label;
            _total = total;
            Draw(force: true);
        }

        public void Advance(long units = 1)
        {
            Interlocked.Add(ref _done, units);
            Draw(force: false);
        }

        private void Draw(bool force)
        {
            lock (_lock)
            {
                long done = Interlocked.Read(ref _done);
                double frac = _total > 0 ? Math.Min(1, done / (double)_total) : 1;
                long ms = _clock.ElapsedMilliseconds;
                double rate = ms > 0 ? done * 1000.0 / ms : 0;
                // Days-long runs (a full test split's exact Shapley values) need the day count, which hh:mm:ss drops.
                string eta = rate > 0 && done < _total ? $" eta {TimeSpan.FromSeconds((_total - done) / rate):d\\.hh\\:mm\\:ss}" : "";
                string speed = rate >= 10 ? $"{rate:F1}/s" : $"{rate:F3}/s";
                if (_owner._interactive)
                {
                    if (!force && ms - _lastDrawMs < 100 && done < _total) return;
                    _lastDrawMs = ms;
                    int width = 30, filled = (int)(frac * width);
                    Console.Error.Write($"\r{_label} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{_total} " +
                        $"{speed}{eta}   ");
                }
                else
                {
                    int decile = (int)(frac * 10);
                    if (decile == _lastDecile && !force && ms - _lastLineMs < 60_000) return;
                    _lastDecile = decile;
                    _lastLineMs = ms;
                    Console.Error.WriteLine($"{_label}: {done}/{_total} ({frac:P0}) {speed}{eta}");
                }
            }
        }

        public void Dispose()
        {
            Draw(force: _owner._interactive);
            if (_owner._interactive) Console.Error.WriteLine();
        }
    }
}
