namespace GoTraceEngine.Cli;

/// <summary>
/// The exit codes, and how every failure becomes one of them with one line on stderr. Commands return
/// <see cref="ExitCodes"/> values or throw <see cref="CliException"/>; <see cref="GotraceCommand"/> maps anything else.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>0</term><description>success; <c>check</c>: PASS.</description></item>
/// <item><term>1</term><description><c>check</c> and <c>trace --check</c>: FAIL, leaks over the budget.</description></item>
/// <item><term>2</term><description>no result: a usage error, an unreadable input, an unwritable output (a full disk),
/// or a CI verdict that cannot be given (the input held no trace, reading was cut short).</description></item>
/// <item><term>N</term><description><c>trace</c> without <c>--check</c>: the traced program's own exit code (128+signal when killed).</description></item>
/// <item><term>70</term><description>a bug in gotrace: one line naming it (<c>GOTRACE_DEBUG=1</c> shows the stack trace).</description></item>
/// <item><term>130</term><description>interrupted (Ctrl-C, SIGTERM) after printing what was read, marked incomplete.</description></item>
/// <item><term>141</term><description>standard output was closed by its reader (<c>gotrace gen | head</c>): stopped quietly, as SIGPIPE would.</description></item>
/// </list>
/// </remarks>
internal static class ExitCodes
{
    public const int Ok = 0;

    public const int Leaks = 1;

    public const int Error = 2;

    public const int InternalError = 70;

    public const int Interrupted = 130;

    public const int BrokenPipe = 141;
}

/// <summary>A failure that ends the command with <see cref="ExitCode"/> and, unless null, one line on stderr.</summary>
internal sealed class CliException(int exitCode, string? message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The line to print after <c>gotrace: </c>, or null to exit quietly.</summary>
    public string? Line { get; } = message;

    /// <summary>Standard output could not be written: a full disk is an error (exit 2); a reader that went away is not worth a word.</summary>
    public static CliException Output(IOException e) => IsBrokenPipe(e)
        ? new CliException(ExitCodes.BrokenPipe, null, e)
        : new CliException(ExitCodes.Error, $"cannot write to standard output: {e.Message}", e);

    /// <summary>EPIPE: the reading end of a pipe was closed.</summary>
    public static bool IsBrokenPipe(IOException e) => e.HResult == 32 || e.Message.Contains("Broken pipe", StringComparison.Ordinal);
}

/// <summary>
/// Standard output for the commands: a write that fails (a full disk, a closed pipe) becomes a <see cref="CliException"/>
/// instead of a stack trace, wherever in a command it happens.
/// </summary>
internal sealed class GuardedWriter(TextWriter inner) : TextWriter
{
    /// <summary>The writer it guards.</summary>
    public TextWriter Inner => inner;

    public override System.Text.Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine { get => inner.NewLine; set => inner.NewLine = value; }

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => inner.Write(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        string text = buffer.ToString();
        Guard(() => inner.Write(text));
    }

    public override void WriteLine(string? value) => Guard(() => inner.WriteLine(value));

    public override void WriteLine() => Guard(inner.WriteLine);

    public override void Flush() => Guard(inner.Flush);

    public override Task WriteAsync(string? value) => GuardAsync(() => inner.WriteAsync(value));

    public override Task WriteAsync(char value) => GuardAsync(() => inner.WriteAsync(value));

    public override Task WriteLineAsync(string? value) => GuardAsync(() => inner.WriteLineAsync(value));

    public override Task WriteLineAsync() => GuardAsync(inner.WriteLineAsync);

    public override Task FlushAsync() => GuardAsync(inner.FlushAsync);

    public override Task FlushAsync(CancellationToken cancellationToken) => GuardAsync(() => inner.FlushAsync(cancellationToken));

    private static void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (IOException e)
        {
            throw CliException.Output(e);
        }
    }

    private static async Task GuardAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw CliException.Output(e);
        }
    }
}
