namespace GoTraceEngine.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) =>
        GotraceCommand.RunAsync(args, Replay.OpenStandardInput, Console.Out, Console.Error, CancellationToken.None);
}
