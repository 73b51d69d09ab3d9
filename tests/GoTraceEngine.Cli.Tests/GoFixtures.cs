using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GoTraceEngine.Cli.Tests;

/// <summary>
/// The fixture programs (fixtures/go) built with each Debian Go toolchain, once per version and program per test
/// run (in a temporary directory; Go's build cache is kept between runs), and their own goroutine dumps.
/// </summary>
internal static partial class GoFixtures
{
    /// <summary>The Go releases the live tests build with: the oldest Debian ships, a middle one, the newest.</summary>
    public static readonly string[] Versions = ["1.19", "1.22", "1.27"];

    private static readonly string s_build = Directory.CreateTempSubdirectory("gotrace-go-").FullName;
    private static readonly ConcurrentDictionary<string, Lazy<string>> s_binaries = new(StringComparer.Ordinal);

    public static string Toolchain(string version) => $"/usr/lib/go-{version}/bin/go";

    /// <summary>Skips the test, in one line, when Go <paramref name="version"/> is not installed.</summary>
    public static void SkipUnlessInstalled(string version)
    {
        if (!File.Exists(Toolchain(version)))
        {
            Assert.Skip($"Go {version} is not installed (apt-get install golang-{version}-go)");
        }
    }

    /// <summary>Builds fixtures/go/<paramref name="program"/> with Go <paramref name="version"/> (once); skips when that Go is missing.</summary>
    public static string Build(string version, string program) =>
        BuildFrom(version, Path.Combine(AppContext.BaseDirectory, "fixtures", "go", program), program);

    public static string BuildFrom(string version, string source, string name, string ldflags = "")
    {
        SkipUnlessInstalled(version);
        return s_binaries.GetOrAdd($"{version}/{name}/{ldflags}", _ => new Lazy<string>(() =>
        {
            string directory = Path.Combine(s_build, version);
            Directory.CreateDirectory(directory);
            string binary = Path.Combine(directory, name + (ldflags.Length > 0 ? "-" + ldflags.GetHashCode(StringComparison.Ordinal).ToString("x", CultureInfo.InvariantCulture) : string.Empty));
            var start = new ProcessStartInfo(Toolchain(version), ["build", "-o", binary, "-ldflags=" + ldflags, "."])
            {
                WorkingDirectory = source,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            start.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "gotrace-gocache");
            start.Environment["GOFLAGS"] = "-buildvcs=false";
            start.Environment["GOTOOLCHAIN"] = "local";
            using Process build = Process.Start(start)!;
            string errors = build.StandardError.ReadToEnd();
            build.WaitForExit();
            Assert.True(build.ExitCode == 0, $"go{version} build {name}: {errors}");
            return binary;
        })).Value;
    }

    /// <summary>Runs a fixture binary with <c>GOTRACE_STACKDUMP</c> set and returns its dump.</summary>
    public static GoStackDump RunForDump(string binary)
    {
        string dump = Path.Combine(s_build, Path.GetFileName(binary) + "-" + Guid.NewGuid().ToString("n") + ".dump");
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["GOTRACE_STACKDUMP"] = dump;
        using Process run = Process.Start(start)!;
        run.StandardOutput.ReadToEnd();
        run.WaitForExit();
        Assert.True(File.Exists(dump), $"{binary} wrote no stack dump");
        return GoStackDump.Parse(File.ReadAllText(dump));
    }
}

/// <summary>One goroutine of a <c>runtime.Stack(buf, true)</c> dump.</summary>
/// <param name="GoId">Its id (<c>goroutine 18 [...]</c>).</param>
/// <param name="State">The bracketed state (<c>chan receive</c>).</param>
/// <param name="Bottom">The function at the bottom of the printed stack: the one Go says the goroutine runs.</param>
/// <param name="Creator">The function after <c>created by</c> (without <c>in goroutine N</c>), or null.</param>
/// <param name="CreatorLocation">The <c>file:line</c> under <c>created by</c>, or null.</param>
/// <param name="CreatorOffset">The <c>+0x..</c> offset of the go statement's pc in the creator, or null.</param>
internal sealed record DumpedGoroutine(long GoId, string State, string Bottom, string? Creator, string? CreatorLocation, ulong? CreatorOffset);

/// <summary>A parsed <c>runtime.Stack(buf, true)</c> dump.</summary>
internal sealed partial record GoStackDump(IReadOnlyList<DumpedGoroutine> Goroutines)
{
    public static GoStackDump Parse(string text)
    {
        var goroutines = new List<DumpedGoroutine>();
        foreach (string block in text.Replace("\r", string.Empty, StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] lines = block.Split('\n');
            Match head = Header().Match(lines[0]);
            Assert.True(head.Success, "not a goroutine header: " + lines[0]);
            int createdAt = Array.FindIndex(lines, l => l.StartsWith("created by ", StringComparison.Ordinal));
            string[] frames = [.. lines.Skip(1).Take((createdAt < 0 ? lines.Length : createdAt) - 1).Where(l => !l.StartsWith('\t'))];
            string bottom = Arguments().Replace(frames[^1], string.Empty);
            string? creator = null, location = null;
            ulong? offset = null;
            if (createdAt >= 0)
            {
                creator = InGoroutine().Replace(lines[createdAt]["created by ".Length..], string.Empty);
                Match where = Location().Match(lines[createdAt + 1]);
                location = where.Groups["loc"].Value;
                offset = where.Groups["off"].Success ? ulong.Parse(where.Groups["off"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null;
            }

            goroutines.Add(new DumpedGoroutine(long.Parse(head.Groups[1].Value, CultureInfo.InvariantCulture), head.Groups[2].Value, bottom, creator, location, offset));
        }

        return new GoStackDump(goroutines);
    }

    [GeneratedRegex(@"^goroutine (\d+) \[([^\],]*)")]
    private static partial Regex Header();

    // The argument list closing a frame: "main.(*Pool[...]).worker(...)" keeps its receiver.
    [GeneratedRegex(@"\([^()]*\)$")]
    private static partial Regex Arguments();

    [GeneratedRegex(@" in goroutine \d+$")]
    private static partial Regex InGoroutine();

    [GeneratedRegex(@"^\t(?<loc>.*?:\d+)(?: \+0x(?<off>[0-9a-f]+))?$")]
    private static partial Regex Location();
}
