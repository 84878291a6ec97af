// Mantis Shrimp build script (Cake 7). Run through ./build.sh, which installs what a fresh machine lacks.
//   ./build.sh                      Build (Release)
//   ./build.sh --target=Test        build + every test project; prints "tests: N passed, N failed, N skipped"
//   ./build.sh --target=Demo        build + `mantis demo` on the embedded default data
//   ./build.sh --target=Bench [--filter='*Fits*']   BenchmarkDotNet suites (Release)
//   ./build.sh --target=Build --torch=cuda   TorchSharp-cuda-linux instead of TorchSharp-cpu (where it can be restored)
using System.Xml.Linq;

var target = Argument("target", "Build");
var configuration = Argument("configuration", "Release");
// libtorch flavour, the MSBuild property Torch (Directory.Build.props): cpu (default) or cuda.
var torchFlavour = Argument("torch", "cpu");
if (torchFlavour != "cpu" && torchFlavour != "cuda") throw new Exception($"--torch={torchFlavour}: use cpu or cuda");
var solution = "./MantisShrimp.sln";
var results = Directory("./artifacts/test-results");

Task("Clean")
    .Does(() =>
{
    CleanDirectories("./src/**/bin/" + configuration);
    CleanDirectories("./tests/**/bin/" + configuration);
    CleanDirectories("./bench/**/bin/" + configuration);
    CleanDirectory("./artifacts");
});

Task("Build")
    .Does(() =>
{
    // The TorchSharp native fix (native/apply-torchsharp-fix.sh) runs as part of every project build.
    DotNetBuild(solution, new DotNetBuildSettings
    {
        Configuration = configuration, MSBuildSettings = new DotNetMSBuildSettings().WithProperty("Torch", torchFlavour),
    });
});

// bench/device-check.sh end to end on ILGPU's CPU accelerator (on a GPU machine the same script runs the CUDA checks).
Task("DeviceCheck")
    .Does(() =>
{
    int exit = StartProcess("bash", new ProcessSettings { Arguments = "bench/device-check.sh --publish --cpu --quick" });
    if (exit != 0) throw new Exception($"bench/device-check.sh --cpu exited {exit}");
});

Task("Test")
    .IsDependentOn("Build")
    .IsDependentOn("DeviceCheck")
    .Does(() =>
{
    CleanDirectory(results);
    var failures = new List<string>();
    // One project at a time, each with its own results folder (TRX names carry only a timestamp).
    foreach (var project in GetFiles("./tests/**/*.Tests.csproj"))
    {
        try
        {
            DotNetTest(project.FullPath, new DotNetTestSettings
            {
                Configuration = configuration,
                NoBuild = true,
                ResultsDirectory = results + Directory(project.GetFilenameWithoutExtension().ToString()),
                Loggers = new[] { "trx", "console;verbosity=normal" },
            });
        }
        catch (Exception e)
        {
            failures.Add($"{project.GetFilename()}: {e.Message}");
        }
    }
    // One closing line over all test projects, in the form CI reads.
    int passed = 0, failed = 0, skipped = 0;
    foreach (var trx in GetFiles(results.Path.FullPath + "/**/*.trx"))
    {
        var doc = XDocument.Load(trx.FullPath);
        var counters = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
        if (counters == null) continue;
        int Get(string name) => int.TryParse((string)counters.Attribute(name), out var v) ? v : 0;
        passed += Get("passed");
        failed += Get("failed") + Get("error") + Get("timeout") + Get("aborted");
        skipped += Get("notExecuted");
    }
    Console.WriteLine($"tests: {passed} passed, {failed} failed, {skipped} skipped");
    if (failures.Count > 0) throw new Exception("Test failures:\n" + string.Join("\n", failures));
    if (passed == 0) throw new Exception("No test ran.");
});

Task("Demo")
    .IsDependentOn("Build")
    .Does(() =>
{
    var exit = StartProcess("./mantis", new ProcessSettings { Arguments = "demo --out demo" });
    if (exit != 0) throw new Exception($"mantis demo failed with exit code {exit}");
});

Task("Bench")
    .IsDependentOn("Build")
    .Does(() =>
{
    var filter = Argument("filter", "*");
    DotNetRun("./bench/MantisShrimp.Bench/MantisShrimp.Bench.csproj",
        new ProcessArgumentBuilder().Append("--filter").AppendQuoted(filter),
        new DotNetRunSettings { Configuration = "Release", NoBuild = configuration == "Release" });
});

Task("Default").IsDependentOn("Build");

RunTarget(target);
