namespace GoTraceEngine.Packaging.Tests;

/// <summary>The embedding sample, copied out of the tree, builds against the packed package and runs.</summary>
[Collection(PackagingCollection.Name)]
public sealed class SampleTests(PackedLibrary library)
{
    [Fact]
    public async Task Sample_AgainstThePackedPackage_BuildsAndReportsTheFixturesLeakGroups()
    {
        string source = Path.Combine(Repository.Root, "samples", "GoTraceEngine.Sample");
        string copy = Path.Combine(library.Work, "sample");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.EnumerateFiles(source).Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        (int exit, string output, string error) = await Repository.RunAsync(
            "dotnet", ["run", "-c", "Release", "-p:GoTraceEngineVersion=" + library.Version, "--", Repository.Fixture("pool-full.trace.txt")], copy, library.Environment, TimeSpan.FromMinutes(5));

        // Exit 1: the fixture leaks. The sink's histogram and the engine's groups are both printed.
        Assert.True(exit == 1, $"the sample exited {exit}:\n{output}\n{error}");
        Assert.Contains("parks by reason:", output, StringComparison.Ordinal);
        Assert.Contains("main.Gather.func1 created by main.Gather: chan send", output, StringComparison.Ordinal);
        Assert.Contains("main.worker created by main.startPool: chan receive", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.Combine(Repository.Root, "src"), File.ReadAllText(Path.Combine(copy, "obj", "project.assets.json")), StringComparison.Ordinal);
    }
}
