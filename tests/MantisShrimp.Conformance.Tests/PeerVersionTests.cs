using Xunit.Abstractions;

namespace MantisShrimp.Conformance.Tests;

public sealed class PeerVersionTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_peer_is_importable_by_the_system_interpreter()
    {
        var v = PythonPeer.Run("versions.py");
        foreach (var name in new[] { "astropy", "healpy", "sep", "torch", "opencv", "scipy", "numpy" })
        {
            Assert.True(v.TryGetProperty(name, out var version), $"no version for {name}");
            PythonPeer.Report(output, "peer", $"{name} {version.GetString()}");
        }
    }
}
