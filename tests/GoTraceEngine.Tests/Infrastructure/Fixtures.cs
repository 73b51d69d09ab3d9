namespace GoTraceEngine.Tests.Infrastructure;

/// <summary>The bundled fixtures, copied next to the test assembly.</summary>
internal static class Fixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string PathOf(string name) => Path.Combine(Directory, name);

    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    /// <summary>Every trace fixture (<c>*.dtrace.txt</c> from dtrace, <c>*.trace.txt</c> in the full format).</summary>
    public static TheoryData<string> TraceNames()
    {
        var data = new TheoryData<string>();
        foreach (string path in System.IO.Directory.GetFiles(Directory, "*.txt").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (name.EndsWith(".dtrace.txt", StringComparison.Ordinal) || name.EndsWith(".trace.txt", StringComparison.Ordinal))
            {
                data.Add(name);
            }
        }

        return data;
    }

    /// <summary>The golden report of a trace fixture: <c>leaky.dtrace.txt</c> → <c>leaky.expected.txt</c>.</summary>
    public static string ExpectedName(string trace) =>
        trace.Replace(".dtrace.txt", ".expected.txt", StringComparison.Ordinal).Replace(".trace.txt", ".expected.txt", StringComparison.Ordinal);

    /// <summary>The source tree's fixtures folder, for rewriting golden files on request.</summary>
    public static string SourceDirectory()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "GoTraceEngine.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return Path.Combine(dir ?? throw new InvalidOperationException("GoTraceEngine.sln not found above the test output."), "fixtures");
    }

    /// <summary>Golden files are rewritten only when GOTRACE_UPDATE_GOLDEN=1.</summary>
    public static bool UpdateGolden => Environment.GetEnvironmentVariable("GOTRACE_UPDATE_GOLDEN") == "1";
}
