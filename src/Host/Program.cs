using System.CommandLine;
using MantisShrimp.Host.Commands;

namespace MantisShrimp.Host;

/// <summary>The <c>mantis</c> command line: thin commands that parse options and call the Engine.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Engine.Compute.OpenMpWaitPolicy.ApplyDefault(); // before libtorch loads: libgomp reads it once
        // Under mpiexec/srun every rank runs this program; MPI is initialised once per process, here.
        Engine.Distributed.MpiSession mpi;
        try { mpi = Engine.Distributed.MpiSession.Start(); }
        catch (Engine.Common.UserInputException e)
        {
            Console.Error.WriteLine($"Error: {e.Message}");
            return ExitCodes.UserError;
        }
        using var _ = mpi;
        // Only rank 0 reports results on stdout; every rank reports its errors on stderr.
        int code = Run(args, mpi.IsRoot ? Console.Out : TextWriter.Null, Console.Error);
        if (code != ExitCodes.Ok && mpi.IsDistributed)
        {
            Console.Error.WriteLine($"rank {mpi.Rank} of {mpi.Size} failed (exit {code}): aborting the MPI job so the other ranks do " +
                $"not wait forever");
            Console.Error.Flush();
            // MPICH's launcher tears the job down on MPI_Abort without draining the ranks' output: under load the
            // error above was lost in 16 of 30 tries (and every rank's once in a CI-script run here). A moment lets it be forwarded.
            Thread.Sleep(AbortGraceMilliseconds);
            mpi.Abort(code);
        }
        return code;
    }

    /// <summary>How long a failed rank waits before MPI_Abort, so that its error message reaches mpiexec.</summary>
    public const int AbortGraceMilliseconds = 1000;

    /// <summary>
    /// Former command names and their new ones (issue 20: <c>baseline</c> named the tabular model, <c>baselines</c> the
    /// masked images). A former name given as the command is read as the new one before parsing, so scripts keep working
    /// and <c>baseline --help</c> shows train-tabular's help; help never lists it. Not a System.CommandLine alias: 2.0
    /// lists every alias in help, and a hidden command of its own prints an empty help.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> FormerCommandNames = new Dictionary<string, string>
    {
        ["baseline"] = "train-tabular",
        ["baselines"] = "masked-images",
    };

    /// <summary>Runs a command line with the given output writers (used by tests).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 0 && FormerCommandNames.TryGetValue(args[0], out var renamed)) args = [renamed, .. args[1..]];
        var root = new RootCommand("Mantis Shrimp: photometric redshift PDFs of galaxies from GALEX, Pan-STARRS1 and unWISE cutouts.");
        var context = new CommandContext(stdout, stderr);
        root.Subcommands.Add(IngestCommand.Create(context));
        root.Subcommands.Add(InspectCommand.Create(context));
        root.Subcommands.Add(PhotometryCommand.Create(context));
        root.Subcommands.Add(InfoCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(BenchCommand.Create(context));
        root.Subcommands.Add(SimulateCommand.Create(context));
        root.Subcommands.Add(SimulateReportCommand.Create(context));
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(ScoreCommand.Create(context));
        root.Subcommands.Add(EvaluateCommand.Create(context));
        root.Subcommands.Add(TrainTabularCommand.Create(context));
        root.Subcommands.Add(Table4Command.Create(context));
        root.Subcommands.Add(GridCommand.Create(context));
        root.Subcommands.Add(CompileCatalogCommand.Create(context));
        root.Subcommands.Add(CalibrateCommand.Create(context));
        root.Subcommands.Add(PredictCommand.Create(context));
        root.Subcommands.Add(FetchCommand.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(ShapleyCommand.Create(context));
        root.Subcommands.Add(ShapleyPlotCommand.Create(context));
        root.Subcommands.Add(MaskedImagesCommand.Create(context));
        root.Subcommands.Add(ImportWeightsCommand.Create(context));
        root.Subcommands.Add(ExportWeightsCommand.Create(context));
        root.Subcommands.Add(InspectModelCommand.Create(context));
        root.Subcommands.Add(ImportCalibrationCommand.Create(context));
        TimingsOption.Attach(root, context);
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        var parsed = root.Parse(args);
        // A parse error is its own message (one line per error, naming the option), not followed by the whole help.
        if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction onError) onError.ShowHelp = false;
        return parsed.Invoke(config);
    }
}
