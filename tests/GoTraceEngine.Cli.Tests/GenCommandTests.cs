using System.Text.Json;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

public sealed class GenCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gotrace-gen-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("quiet")]
    [InlineData("nonquiet")]
    [InlineData("full")]
    public async Task Gen_ThenReplay_FindsTheLeaksItWrote(string format)
    {
        string path = Path.Combine(_directory, format + ".txt");
        (int exit, _, string error) = await RunAsync("gen", "-f", format, "-n", "100k", "--leaks", "4", "--live", "300", "--seed", "11", "-o", path);
        Assert.Equal(0, exit);
        Assert.StartsWith("gotrace: wrote ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "." + format + ".txt.partial")));

        (exit, string output, _) = await RunAsync("replay", path, "--format", "json");
        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(304, json.RootElement.GetProperty("live").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("lines").GetProperty("skippedByCategory").GetProperty("malformed").GetInt64());
    }

    [Fact]
    public async Task Gen_Busy_WritesAMidFlightTraceAndItsTruth()
    {
        string path = Path.Combine(_directory, "busy.txt");
        string truth = Path.Combine(_directory, "busy.truth.tsv");
        (int exit, _, string error) = await RunAsync("gen", "--busy", "30", "--live", "300", "--leaks", "20", "--seed", "3", "-o", path, "--truth", truth);
        Assert.Equal(0, exit);
        Assert.Contains("leaked goroutines to", error, StringComparison.Ordinal);
        string[] leaks = File.ReadAllLines(truth);
        Assert.Equal("goid\tg\tkind\tts\tline", leaks[0]);
        Assert.True(leaks.Length > 3);

        (exit, string output, _) = await RunAsync("replay", path, "--format", "json");
        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("anomalies").GetProperty("untrackedReady").GetInt64() > 0);
        Assert.True(json.RootElement.GetProperty("blocked").GetInt32() > leaks.Length - 1);
    }

    [Fact]
    public async Task Gen_SameSeed_WritesTheSameFile()
    {
        string a = Path.Combine(_directory, "a.txt");
        string b = Path.Combine(_directory, "b.txt");
        await RunAsync("gen", "-s", "200KB", "--seed", "5", "-o", a);
        await RunAsync("gen", "-s", "200KB", "--seed", "5", "-o", b);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.InRange(new FileInfo(a).Length, 200 * 1024, (200 * 1024) + 4096);
    }

    [Theory]
    [InlineData("gen")]
    [InlineData("gen", "-n", "lots")]
    [InlineData("gen", "-n", "10", "--live", "0")]
    [InlineData("gen", "-n", "10", "-f", "xml")]
    [InlineData("gen", "--busy", "10", "-n", "10")]
    public async Task Gen_BadArguments_ExitTwoWithOneLine(params string[] args)
    {
        (int exit, _, string error) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Gen_UnwritablePath_ExitsTwoAndLeavesNoFile()
    {
        string path = Path.Combine(_directory, "missing-dir", "x.txt");
        (int exit, _, string error) = await RunAsync("gen", "-n", "10", "-o", path);
        Assert.Equal(2, exit);
        Assert.StartsWith("gotrace: cannot write", error, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Replay_Stats_PrintsOneLineWithTheRate()
    {
        string path = Path.Combine(_directory, "stats.txt");
        await RunAsync("gen", "-n", "10k", "-o", path);
        (int exit, _, string error) = await RunAsync("replay", path, "--stats");
        Assert.Equal(0, exit);
        Assert.Matches(@"^gotrace: \d+ events, \d+ lines, \d+ bytes in [0-9.]+ s: [0-9.]+ M events/s, \d+ MB/s\n$", error);
    }
}
