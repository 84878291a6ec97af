using System.CommandLine;
using MantisShrimp.Engine.Spectroscopy;

namespace MantisShrimp.Host.Commands;

internal static class CompileCatalogCommand
{
    public static Command Create(CommandContext ctx)
    {
        var inputs = new Option<string[]>("--input")
        {
            Description = $"survey=FILE (CSV or FITS), repeatable; surveys: {string.Join(", " +
                "", SpectroscopicSurvey.All.Select(s => s.Name))}.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var output = SharedOptions.Out("Output catalog CSV (also .summary.csv and .duplicates.csv beside it).");
        var dust = new Option<string?>("--dust") { Description =
            "Folder with csfd_ebv.fits and the Planck map: adds ebv_csfd, ebv_planck." };
        var quiet = SharedOptions.Quiet();
        var cmd = new Command("compile-catalog", "Compile spectroscopic redshifts from the surveys' own tables with the paper's quality " +
            "cuts, footprint and cross-survey de-duplication.")
        {
            inputs, output, dust, quiet,
        };
        cmd.SetAction(r => ctx.Guard(_ =>
        {
            var pairs = r.GetValue(inputs)!.Select(s =>
            {
                int eq = s.IndexOf('=');
                if (eq <= 0) throw new Engine.Common.UserInputException($"--input '{s}' is not survey=FILE");
                return (s[..eq], s[(eq + 1)..]);
            }).ToArray();
            var summary = CatalogCompiler.Run(pairs, r.GetValue(output)!, r.GetValue(dust), ctx.Progress(r.GetValue(quiet)));
            ctx.Out.Write(CatalogCompiler.SummaryCsv(summary));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
