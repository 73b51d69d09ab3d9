namespace GoTraceEngine.Cli.Tests;

/// <summary>The fixture programs' sources (fixtures/go), as the live tests build them.</summary>
public sealed class GoFixtureSourceTests
{
    /// <summary>
    /// Each fixture is a Go module of its own, which a user builds with <c>go build</c> in its directory, so each keeps
    /// its own copy of the stack dump the live tests compare reports with; the copies must not drift apart.
    /// </summary>
    [Fact]
    public void StackDump_IsTheSameFileInEveryFixture()
    {
        string root = Path.Combine(AppContext.BaseDirectory, "fixtures", "go");
        string[] programs = Directory.GetDirectories(root);
        Assert.True(programs.Length >= 10, $"only {programs.Length} fixture programs under {root}");
        string first = File.ReadAllText(Path.Combine(programs[0], "stackdump.go"));
        Assert.Contains("func writeStackDump()", first, StringComparison.Ordinal);
        Assert.All(programs, program => Assert.Equal(first, File.ReadAllText(Path.Combine(program, "stackdump.go"))));
    }
}
