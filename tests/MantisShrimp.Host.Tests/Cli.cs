namespace MantisShrimp.Host.Tests;

/// <summary>Runs the <c>mantis</c> command line in-process and captures its output.</summary>
internal static class Cli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }
}
