using System.IO.Compression;
using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

/// <summary>The CI gate gives a verdict only on a trace it read completely; anything else is exit 2 with one line.</summary>
public sealed class CheckVerdictTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gotrace-verdict-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, byte[] content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public static TheoryData<string, string> NotATrace => new()
    {
        { "empty", "gotrace: no verdict: the input is empty: no trace was read\n" },
        { "newlines", "gotrace: no verdict: the input holds only blank lines (3): no trace was read\n" },
        { "passwd", "gotrace: no verdict: none of the input's 2 lines is a trace event (lines such as 'gopark: goroutine=… reason=…'; see gotrace script)\n" },
        { "binary", "gotrace: no verdict: the input is not text" },
    };

    [Theory]
    [MemberData(nameof(NotATrace))]
    public async Task Check_InputWithoutATrace_NoVerdictExitTwo(string kind, string expected)
    {
        byte[] content = kind switch
        {
            "empty" => [],
            "newlines" => "\n\n\n"u8.ToArray(),
            "passwd" => "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"u8.ToArray(),
            _ => [.. Enumerable.Range(0, 4000).Select(i => (byte)((i * 7919) % 251 == 10 ? 11 : (i * 7919) % 251 | 0x80)), (byte)'\n', .. new byte[] { 0xff, 0xfe, (byte)'\n' }],
        };
        (int exit, string output, string error) = await RunAsync("check", Write(kind, content));
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Check_GzipCapture_IsReadAndJudged()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(File.ReadAllBytes(Fixture("leaky.dtrace.txt")));
        }

        (int exit, string output, _) = await RunAsync("check", Write("leaky.txt.gz", compressed.ToArray()));
        Assert.Equal(1, exit);
        Assert.StartsWith("gotrace check: FAIL: 3 leaked goroutines", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_TabSeparatedTrace_IsJudgedLikeTheSpacedOne()
    {
        string tabbed = File.ReadAllText(Fixture("leaky.dtrace.txt")).Replace(' ', '\t');
        (int exit, string output, _) = await RunAsync("check", Write("tabbed.txt", System.Text.Encoding.UTF8.GetBytes(tabbed)));
        Assert.Equal(1, exit);
        Assert.StartsWith("gotrace check: FAIL: 3 leaked goroutines", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_GoroutineCapReached_NoVerdict()
    {
        (int exit, _, string error) = await RunAsync("check", Fixture("leaky.dtrace.txt"), "--max-goroutines", "2");
        Assert.Equal(2, exit);
        Assert.Equal("gotrace: no verdict: 1 goroutines were not tracked: more than 2 were live (--max-goroutines); leaks among them are not reported\n", error);

        (exit, string output, _) = await RunAsync("replay", Fixture("leaky.dtrace.txt"), "--max-goroutines", "2", "--format", "json");
        Assert.Equal(0, exit);
        Assert.Contains("\"incompleteReasons\": [\n    \"goroutineLimit\"", output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadBaselines => new()
    {
        { """{"version":1,"groups":[{"reason":"chan send","count":-5}]}""", "cannot use baseline 'B': group 1 ((unknown): chan send) has a negative count (-5)" },
        { """{"version":1,"groups":[{"reason":"chan send","count":99999999999999999999999}]}""", "cannot read baseline 'B': not baseline JSON (at $.groups[0].count, line 1: a number out of range)" },
        { """{"version":99,"groups":[]}""", "cannot use baseline 'B': version 99 is not one this gotrace reads (it writes version 1)" },
        { """{"version":1}""", "cannot use baseline 'B': it has no \"groups\" list" },
        { "null", "cannot use baseline 'B': it is empty (null)" },
        { "DIR", "cannot read baseline 'B': it is a directory" },
    };

    [Theory]
    [MemberData(nameof(BadBaselines))]
    public async Task Check_UnusableBaseline_OneLineExitTwo(string content, string expected)
    {
        string path = content == "DIR" ? _directory : Write("baseline.json", System.Text.Encoding.UTF8.GetBytes(content));
        (int exit, string output, string error) = await RunAsync("check", Fixture("leaky.dtrace.txt"), "--baseline", path);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Equal("gotrace: " + expected.Replace("'B'", $"'{path}'", StringComparison.Ordinal) + "\n", error);
    }

    [Fact]
    public async Task Check_IgnoreReasonTypo_IsAnErrorNotAnIgnoredRule()
    {
        (int exit, _, string error) = await RunAsync("check", Fixture("leaky.dtrace.txt"), "--ignore-reason", "chan_sned");
        Assert.Equal(2, exit);
        Assert.StartsWith("gotrace: --ignore-reason 'chan_sned' names no reason (did you mean 'chan send'?)", error, StringComparison.Ordinal);

        // Underscores stand for spaces, as people type them in a shell.
        (exit, string output, _) = await RunAsync("check", Fixture("leaky.dtrace.txt"), "--ignore-reason", "chan_send");
        Assert.Equal(0, exit);
        Assert.Contains("3 ignored", output, StringComparison.Ordinal);
    }
}
