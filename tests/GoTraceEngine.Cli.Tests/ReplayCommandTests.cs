using System.Text;
using System.Text.Json;

namespace GoTraceEngine.Cli.Tests;

public sealed class ReplayCommandTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(string[] args, byte[]? stdin = null)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = await GotraceCommand.RunAsync(
            args, () => new MemoryStream(stdin ?? []), stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

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
        (int exit, string output, _) = await RunAsync(args, File.ReadAllBytes(Fixture("leaky.dtrace.txt")));
        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(3, json.RootElement.GetProperty("blocked").GetInt32());
        Assert.Equal(8, json.RootElement.GetProperty("lines").GetProperty("total").GetInt64());
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

    [Fact]
    public async Task Replay_Directory_ExitsTwoWithOneLine()
    {
        string dir = AppContext.BaseDirectory;
        (int exit, _, string error) = await RunAsync(["replay", dir]);
        Assert.Equal(2, exit);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains("is a directory", error, StringComparison.Ordinal);
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
        (int exit, string output, _) = await RunAsync(["replay", "--format", "json"], Encoding.UTF8.GetBytes(string.Empty));
        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(0, json.RootElement.GetProperty("lines").GetProperty("total").GetInt64());
    }
}
