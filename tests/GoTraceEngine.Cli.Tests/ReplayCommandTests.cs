using System.Text;
using System.Text.Json;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

public sealed class ReplayCommandTests
{
    [Theory]
    [InlineData("leaky.dtrace.txt")]
    [InlineData("fixed.dtrace.txt")]
    [InlineData("leaky-nonquiet.dtrace.txt")]
    [InlineData("leaky-noisy.dtrace.txt")]
    public async Task Replay_Fixture_PrintsItsExpectedReportAndExitsZero(string fixture)
    {
        (int exit, string output, string error) = await RunAsync(["replay", Fixture(fixture)]);
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        Assert.Equal(File.ReadAllText(Fixture(fixture.Replace(".dtrace.txt", ".expected.txt", StringComparison.Ordinal))), output);
    }

    [Theory]
    [InlineData("-")]
    [InlineData(null)]
    public async Task Replay_Stdin_ReadsStandardInput(string? path)
    {
        string[] args = path is null ? ["replay", "--format", "json"] : ["replay", path, "--format", "json"];
        (int exit, string output, _) = await RunWithStdinAsync(args, File.ReadAllBytes(Fixture("leaky.dtrace.txt")));
        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(3, json.RootElement.GetProperty("blocked").GetInt32());
        Assert.Equal(8, json.RootElement.GetProperty("lines").GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("pool-full.trace.txt")]
    [InlineData("leaky-noisy.dtrace.txt")]
    public async Task Replay_Threads_SameReportOnOneAndTwoThreadsFromAFileAndAPipe(string fixture)
    {
        (int exit, string one, _) = await RunAsync(["replay", Fixture(fixture), "--threads", "1", "--format", "json"]);
        (int exit2, string two, _) = await RunAsync(["replay", Fixture(fixture), "--threads", "2", "--format", "json"]);
        (int exit3, string piped, _) = await RunWithStdinAsync(["replay", "-", "--threads", "2", "--format", "json"], File.ReadAllBytes(Fixture(fixture)));
        (int exit4, string apply, _) = await RunAsync(["replay", Fixture(fixture), "--threads", "apply", "--format", "json"]);
        Assert.Equal(exit, exit2);
        Assert.Equal(exit, exit3);
        Assert.Equal(exit, exit4);
        Assert.Equal(one, two);
        Assert.Equal(one, piped);
        Assert.Equal(one, apply);
    }

    [Fact]
    public async Task Replay_ThreadsThree_IsAUsageError()
    {
        (int exit, _, string error) = await RunAsync(["replay", Fixture("leaky.dtrace.txt"), "--threads", "3"]);
        Assert.Equal(2, exit);
        Assert.Contains("'3' not recognized", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_FormatJson_WritesTheContract()
    {
        (int exit, string output, _) = await RunAsync(["replay", Fixture("fixed.dtrace.txt"), "--format", "json"]);
        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal(0, root.GetProperty("live").GetInt32());
        Assert.Equal(0, root.GetProperty("blocked").GetInt32());
        Assert.Equal(0, root.GetProperty("leaks").GetArrayLength());
        Assert.Equal(1, root.GetProperty("scriptCounters").GetProperty("disagreements").GetInt64());
    }

    [Fact]
    public async Task Replay_MissingFile_ExitsTwoWithOneLine()
    {
        (int exit, string output, string error) = await RunAsync(["replay", "/nonexistent/trace.txt"]);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Equal("gotrace: cannot read '/nonexistent/trace.txt': no such directory\n", error);
    }

    [Theory]
    [InlineData("replay", "--format", "xml")]
    [InlineData("replay", "a", "b")]
    [InlineData("replay", "--bogus")]
    [InlineData("nosuchcommand")]
    public async Task Run_UsageError_ExitsTwoWithOneLine(params string[] args)
    {
        (int exit, string output, string error) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("gotrace: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_HelpAndVersion_ExitZero()
    {
        (int exit, string output, _) = await RunAsync(["replay", "--help"]);
        Assert.Equal(0, exit);
        Assert.Contains("--format", output, StringComparison.Ordinal);

        (exit, output, _) = await RunAsync(["--version"]);
        Assert.Equal(0, exit);
        Assert.False(string.IsNullOrWhiteSpace(output));
    }

    [Fact]
    public async Task Replay_EmptyInput_ReportsZeroLines()
    {
        (int exit, string output, _) = await RunWithStdinAsync(["replay", "--format", "json"], Encoding.UTF8.GetBytes(string.Empty));
        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(0, json.RootElement.GetProperty("lines").GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData(null, 6)]
    [InlineData("1s", 5)]
    [InlineData("4s", 3)]
    [InlineData("1h", 0)]
    public async Task Replay_LeakAfter_FiltersSuspects(string? leakAfter, int suspects)
    {
        string[] args = leakAfter is null
            ? ["replay", Fixture("pool-full.trace.txt"), "--format", "json"]
            : ["replay", Fixture("pool-full.trace.txt"), "--format", "json", "--leak-after", leakAfter];
        (int exit, string output, _) = await RunAsync(args);
        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(suspects, json.RootElement.GetProperty("leaks").GetArrayLength());
        Assert.Equal(6, json.RootElement.GetProperty("blocked").GetInt32());
    }

    [Fact]
    public async Task Replay_FullFormatJson_HasGroupsAndWaitObjects()
    {
        (int exit, string output, _) = await RunAsync(["replay", Fixture("pool-full.trace.txt"), "--format", "json"]);
        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement group = json.RootElement.GetProperty("leakGroups")[0];
        Assert.Equal("main.Gather.func1", group.GetProperty("startFunction").GetString());
        Assert.Equal("main.Gather", group.GetProperty("creator").GetString());
        Assert.Equal("chan send", group.GetProperty("reason").GetString());
        Assert.Equal(6, group.GetProperty("reasonCode").GetInt32());
        Assert.Equal(3, group.GetProperty("count").GetInt64());
        Assert.Equal(4_100_000_000, group.GetProperty("oldestBlockedNs").GetInt64());
        Assert.Equal("0xc0000071a0", group.GetProperty("exampleG").GetString());
        JsonElement obj = json.RootElement.GetProperty("waitObjects")[0];
        Assert.Equal("0xc000020060", obj.GetProperty("obj").GetString());
        Assert.Equal(3, obj.GetProperty("count").GetInt64());
        JsonElement leak = json.RootElement.GetProperty("leaks")[0];
        Assert.Equal(18, leak.GetProperty("goid").GetInt64());
        Assert.Equal("main.Gather.func1", leak.GetProperty("startFunction").GetString());
        Assert.Equal("main.Gather", leak.GetProperty("creator").GetString());
        Assert.Equal(4_100_000_000, leak.GetProperty("blockedNs").GetInt64());
        Assert.Contains("traceBlockReason/go1.22+", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_GoAndReasonsOptions_SelectTheTable()
    {
        byte[] trace = Encoding.UTF8.GetBytes("newproc1: goroutine=c000\ngopark: goroutine=c000 reason=19\n");
        (int exit, string output, _) = await RunWithStdinAsync(["replay", "--go", "1.26", "--reasons", "wait", "--format", "json"], trace);
        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal("chan receive", json.RootElement.GetProperty("leaks")[0].GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("--go", "banana")]
    [InlineData("--leak-after", "soon")]
    [InlineData("--reorder-window", "5 parsecs")]
    [InlineData("--reasons", "why")]
    public async Task Replay_BadOptionValue_ExitsTwoWithOneLine(string option, string value)
    {
        (int exit, _, string error) = await RunAsync(["replay", Fixture("leaky.dtrace.txt"), option, value]);
        Assert.Equal(2, exit);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Replay_WaitNumberingWithoutATable_ExitsTwo()
    {
        (int exit, _, string error) = await RunAsync(["replay", Fixture("leaky.dtrace.txt"), "--go", "1.19", "--reasons", "wait"]);
        Assert.Equal(2, exit);
        Assert.Equal("gotrace: no waitReason table is known for go1.19; use --reasons trace (see 'gotrace replay --help')\n", error);
    }

    [Fact]
    public async Task Replay_Interrupted_PrintsWhatWasReadMarkedIncompleteAndExits130()
    {
        using var cancel = new CancellationTokenSource();
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var stdin = new StallingStream("newproc1: goroutine=c000\ngopark: goroutine=c000 reason=6\n"u8.ToArray(), cancel);
        int exit = await GotraceCommand.RunAsync(["replay"], () => stdin, stdout, stderr, cancel.Token);
        Assert.Equal(130, exit);
        Assert.StartsWith("gotrace: INCOMPLETE: replay was interrupted", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("  blocked          1", stdout.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Hands out its data, then waits for more until cancelled (a tracer's pipe when the user presses Ctrl-C).</summary>
    private sealed class StallingStream(byte[] data, CancellationTokenSource cancel) : Stream
    {
        private bool _sent;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sent)
            {
                _sent = true;
                data.CopyTo(buffer);
                return data.Length;
            }

            await cancel.CancelAsync();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
