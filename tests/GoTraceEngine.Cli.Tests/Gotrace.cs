namespace GoTraceEngine.Cli.Tests;

/// <summary>Runs the <c>gotrace</c> command line in-process, with captured output, for every CLI test.</summary>
internal static class Gotrace
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    public static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => RunWithStdinAsync(args, null);

    /// <summary>Runs with any stdin stream and stdout writer (the fault-injection tests), cancelled by <paramref name="cancellationToken"/>.</summary>
    public static async Task<(int Exit, string Err)> RunWithAsync(string[] args, Func<Stream> stdin, TextWriter stdout, CancellationToken cancellationToken)
    {
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = await GotraceCommand.RunAsync(args, stdin, stdout, stderr, cancellationToken);
        return (exit, stderr.ToString());
    }

    public static async Task<(int Exit, string Out, string Err)> RunWithStdinAsync(string[] args, byte[]? stdin)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = await GotraceCommand.RunAsync(args, () => new MemoryStream(stdin ?? []), stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
