using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace GoTraceEngine.Packaging.Tests;

/// <summary>The source tree under test, and child processes run against it.</summary>
internal static partial class Repository
{
    /// <summary>The clone's root (the folder with GoTraceEngine.sln).</summary>
    public static string Root { get; } = FindRoot();

    public static string Readme => File.ReadAllText(Path.Combine(Root, "README.md"));

    public static string Fixture(string name) => Path.Combine(Root, "fixtures", name);

    /// <summary>The NuGet global packages folder this machine's builds use (read, never written, by the consumers here).</summary>
    public static string GlobalPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Fenced code blocks of <paramref name="language"/> in <paramref name="markdown"/>, with the line just before each and the heading above it.</summary>
    public static List<CodeBlock> CodeBlocks(string markdown, string language)
    {
        var blocks = new List<CodeBlock>();
        string[] lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string heading = string.Empty;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('#'))
            {
                heading = lines[i].TrimStart('#', ' ');
            }

            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            string info = lines[i][3..].Trim();
            int end = Array.FindIndex(lines, i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            Assert.True(end > i, $"README: the code block at line {i + 1} is not closed");
            if (info == language)
            {
                string before = i > 0 ? lines[i - 1].Trim() : string.Empty;
                string after = end + 1 < lines.Length ? lines[end + 1].Trim() : string.Empty;
                blocks.Add(new CodeBlock(heading, i + 1, string.Join('\n', lines[(i + 1)..end]) + "\n", before, after));
            }

            i = end;
        }

        return blocks;
    }

    /// <summary>Runs a program to its end (or kills it at <paramref name="timeout"/>), capturing its output.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(
        string file, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A child 'dotnet' must not inherit the test host's MSBuild and VSTest settings.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        Task readOut = Task.Run(async () => stdout.Append(await process.StandardOutput.ReadToEndAsync()));
        Task readErr = Task.Run(async () => stderr.Append(await process.StandardError.ReadToEndAsync()));
        using var deadline = new CancellationTokenSource(timeout);
        using Timer heartbeat = Heartbeat(file, Stopwatch.StartNew());
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(readOut, readErr);
            Assert.Fail($"{file} {string.Join(' ', start.ArgumentList)} did not finish in {timeout}:\n{stdout}\n{stderr}");
        }

        await Task.WhenAll(readOut, readErr);
        return (process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// Writes a line to the running test's output every <see cref="HeartbeatInterval"/> while a child runs. The xUnit
    /// VSTest adapter (xunit.v3.runner.utility's <c>CrashDetectionSinkBase.OnProcessFinished</c>) decides that the test
    /// process crashed when the process has exited and its assembly-finished message has not been read yet, waiting
    /// for it only while the last message is less than 60 s old. Its stdout is read on another thread, so when the last
    /// test ran silent for over a minute (the NativeAOT pack of the install test does, on a busy machine), a process
    /// that finished cleanly raced its own final messages and lost now and then: "Test process crashed with exit code
    /// 0", one test unreported. Test output is a message, so a test that speaks every few seconds never meets it.
    /// </summary>
    private static Timer Heartbeat(string file, Stopwatch running)
    {
        ITestOutputHelper? output = TestContext.Current.TestOutputHelper;
        return new Timer(
            _ =>
            {
                try
                {
                    output?.WriteLine($"{file}: still running after {running.Elapsed.TotalSeconds:F0} s");
                }
                catch (InvalidOperationException)
                {
                    // A tick that ran as the test ended: there is no test to speak for any more.
                }
            },
            null,
            HeartbeatInterval,
            HeartbeatInterval);
    }

    /// <summary>How often a running child is reported (well under the adapter's 60 s).</summary>
    internal static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>Runs <c>dotnet</c> and fails the test, showing its output, unless it exits 0.</summary>
    public static async Task<string> DotnetAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        (int exit, string output, string error) = await RunAsync("dotnet", args, workingDirectory, environment, TimeSpan.FromMinutes(10));
        Assert.True(exit == 0, $"dotnet {string.Join(' ', args)} exited {exit}:\n{output}\n{error}");
        return output;
    }

    /// <summary>The version in a package file name: <c>GoTraceEngine.0.1.0.nupkg</c> → <c>0.1.0</c>.</summary>
    public static string PackageVersion(string directory, string id)
    {
        string[] packages = [.. Directory.GetFiles(directory, id + ".*.nupkg").Where(p => VersionPattern().IsMatch(Path.GetFileName(p)[(id.Length + 1)..^".nupkg".Length]))];
        Assert.True(packages.Length == 1, $"expected one {id} package in {directory}, found: {string.Join(", ", Directory.GetFiles(directory).Select(Path.GetFileName))}");
        return Path.GetFileName(packages[0])[(id.Length + 1)..^".nupkg".Length];
    }

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "GoTraceEngine.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("the tests run from a build inside the source tree (no GoTraceEngine.sln above " + AppContext.BaseDirectory + ")");
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex VersionPattern();
}

/// <summary>A fenced code block of the README.</summary>
/// <param name="Heading">The nearest heading above it.</param>
/// <param name="Line">The line of its opening fence (1-based).</param>
/// <param name="Code">Its text.</param>
/// <param name="Before">The line just before the fence (a marker comment, by convention).</param>
/// <param name="After">The line just after the closing fence.</param>
internal sealed record CodeBlock(string Heading, int Line, string Code, string Before, string After);
