using System.Diagnostics;
using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests.Faults;

/// <summary>
/// Every command under the faults a user's CI or a tired operator meets: a full disk behind stdout, a reader that goes
/// away, an input that fails half way, a pipe that goes quiet, a signal. Each ends in one line and a documented exit code.
/// </summary>
public sealed class FaultInjectionTests
{
    private const int SigTerm = 15;

    private static byte[] Leaky => File.ReadAllBytes(Fixture("leaky.dtrace.txt"));

    /// <summary>Every command that writes to stdout, reading the fixture from stdin where it reads a trace.</summary>
    public static TheoryData<string[], int> Writers => new()
    {
        { ["replay", "-"], 10 },
        { ["replay", "-", "--format", "json"], 10 },
        { ["replay", "-"], 500 },
        { ["check", "-"], 10 },
        { ["check", "-", "--format", "json"], 10 },
        { ["watch", "-"], 10 },
        { ["watch", "-", "--format", "json"], 2000 },
        { ["script", "--tracer", "bpftrace"], 100 },
        { ["script", "--tracer", "dtrace"], 100 },
        { ["--help"], 10 },
        { ["replay", "--help"], 10 },
        { [], 10 },
    };

    [Theory]
    [MemberData(nameof(Writers))]
    public async Task Command_StdoutOnAFullDisk_OneLineExitTwo(string[] args, int failAt)
    {
        var stdout = new FailingWriter(failAt);
        (int exit, string error) = await RunWithAsync(args, () => new MemoryStream(Leaky), stdout, TestContext.Current.CancellationToken);
        Assert.Equal(2, exit);
        Assert.Equal("gotrace: cannot write to standard output: No space left on device\n", error);
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public async Task Command_StdoutReaderWentAway_StopsQuietlyWith141(string[] args, int failAt)
    {
        var stdout = new FailingWriter(failAt, errno: 32, message: "Broken pipe");
        (int exit, string error) = await RunWithAsync(args, () => new MemoryStream(Leaky), stdout, TestContext.Current.CancellationToken);
        Assert.Equal(141, exit);
        Assert.Equal(string.Empty, error);
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("check")]
    [InlineData("watch")]
    public async Task Command_InputFailsAtByteN_OneLineExitTwo(string command)
    {
        (int exit, string error) = await RunWithAsync([command, "-"], () => new ThrowingStream(Leaky, 200), new StringWriter(), TestContext.Current.CancellationToken);
        Assert.Equal(2, exit);
        Assert.Equal("gotrace: cannot read '-': Input/output error\n", error);
    }

    [Theory]
    [InlineData("replay", 130)]
    [InlineData("watch", 130)]
    [InlineData("check", 2)]
    public async Task Command_PipeGoesIdleThenCtrlC_ReportsWhatWasReadWithoutWaitingForData(string command, int expected)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var idle = new IdleStream(Leaky);
        var stdout = new StringWriter { NewLine = "\n" };
        var clock = Stopwatch.StartNew();
        cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
        try
        {
            (int exit, string error) = await RunWithAsync([command, "-"], () => idle, stdout, cancel.Token);
            Assert.Equal(expected, exit);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed} after the interrupt");
            if (command == "check")
            {
                Assert.Equal("gotrace: no verdict: replay was interrupted\n", error);
            }
            else
            {
                Assert.Contains("gotrace: INCOMPLETE: replay was interrupted", stdout.ToString(), StringComparison.Ordinal);
                Assert.Contains("3 leaked goroutines", stdout.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            idle.Dispose();
        }
    }

    [Fact]
    public async Task Replay_SigtermWhilePipeIsIdle_PrintsTheReportAndExits130()
    {
        string gotrace = typeof(GotraceCommand).Assembly.Location;
        using Process process = Process.Start(new ProcessStartInfo("dotnet", [gotrace, "replay", "-"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await process.StandardInput.BaseStream.WriteAsync(Leaky, TestContext.Current.CancellationToken);
        await process.StandardInput.BaseStream.FlushAsync(TestContext.Current.CancellationToken);
        Task<string> output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);

        // The input stays open and quiet: only the signal can end the run.
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.False(process.HasExited);
        Assert.True(Posix.Signal(process.Id, SigTerm));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("gotrace: INCOMPLETE: replay was interrupted", await output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gen_SigtermWhileWritingAFile_LeavesNoPartialFile()
    {
        string directory = Directory.CreateTempSubdirectory("gotrace-gen-").FullName;
        try
        {
            string target = Path.Combine(directory, "big.txt");
            string gotrace = typeof(GotraceCommand).Assembly.Location;
            using Process process = Process.Start(new ProcessStartInfo("dotnet", [gotrace, "gen", "--events", "1G", "-o", target]) { RedirectStandardError = true })!;
            for (int i = 0; i < 200 && !File.Exists(Path.Combine(directory, ".big.txt.partial")); i++)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            Assert.True(File.Exists(Path.Combine(directory, ".big.txt.partial")), "gen never started writing");
            Assert.True(Posix.Signal(process.Id, SigTerm));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(130, process.ExitCode);
            Assert.Equal("gotrace: interrupted", (await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)).Trim());
            Assert.Empty(Directory.GetFileSystemEntries(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Gen_IntoAPipeThatCloses_StopsAtOnceQuietly()
    {
        string gotrace = typeof(GotraceCommand).Assembly.Location;
        // A billion events take minutes to write: only stopping at the closed pipe ends this in seconds.
        var clock = Stopwatch.StartNew();
        using Process shell = Process.Start(new ProcessStartInfo("/bin/bash", ["-c", $"dotnet '{gotrace}' gen --events 1G | head -c 10 > /dev/null; exit ${{PIPESTATUS[0]}}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await shell.WaitForExitAsync(timeout.Token);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"gen went on for {clock.Elapsed} after its reader left");
        Assert.Equal(141, shell.ExitCode);
        Assert.Equal(string.Empty, (await shell.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)).Trim());
    }

    [Fact]
    public async Task Replay_ClosedStdin_OneLineExitTwo()
    {
        string gotrace = typeof(GotraceCommand).Assembly.Location;
        using Process shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"dotnet '{gotrace}' replay - <&-"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await shell.WaitForExitAsync(timeout.Token);
        Assert.Equal(2, shell.ExitCode);
        Assert.Equal("gotrace: standard input is closed: give a trace file, or pipe a trace in", (await shell.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)).Trim());
    }
}
