using System.Text.RegularExpressions;

namespace GoTraceEngine.Packaging.Tests;

/// <summary>
/// Every <c>```csharp</c> block of the README is a whole program: it is compiled against the packed GoTraceEngine
/// package in a fresh project outside the source tree (warnings are errors) and run in a folder whose
/// <c>trace.txt</c> is <c>fixtures/leaky.dtrace.txt</c>; it must exit 0. A <c>#:package Id@Version</c> line in a block
/// adds that package. A <c>&lt;!-- prints: TEXT --&gt;</c> line right after a block says what its output contains.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed partial class ReadmeSnippetTests(PackedLibrary library)
{
    public static TheoryData<int> Snippets()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Repository.CodeBlocks(Repository.Readme, "csharp").Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Fact]
    public void Readme_HasCSharpSnippets_ThatTheTheoryRuns() =>
        Assert.NotEmpty(Repository.CodeBlocks(Repository.Readme, "csharp"));

    [Theory]
    [MemberData(nameof(Snippets))]
    public async Task Snippet_AgainstThePackedPackage_CompilesAndRuns(int index)
    {
        CodeBlock block = Repository.CodeBlocks(Repository.Readme, "csharp")[index];
        var packages = new List<(string, string)>();
        var code = new List<string>();
        foreach (string line in block.Code.Split('\n'))
        {
            Match package = PackageDirective().Match(line);
            if (package.Success)
            {
                packages.Add((package.Groups[1].Value, package.Groups[2].Value));
            }
            else
            {
                code.Add(line);
            }
        }

        string project = library.CreateConsumer($"snippet{index}", string.Join('\n', code), packages);
        File.Copy(Repository.Fixture("leaky.dtrace.txt"), Path.Combine(project, "trace.txt"));
        (int exit, string output, string error) = await Repository.RunAsync(
            "dotnet", ["run", "-c", "Release"], project, library.Environment, TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, $"README line {block.Line} ({block.Heading}): the snippet exited {exit}:\n{output}\n{error}");
        Match prints = PrintsMarker().Match(block.After);
        if (prints.Success)
        {
            Assert.Contains(prints.Groups[1].Value, output, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"^#:package\s+([A-Za-z0-9_.-]+)@(\S+)\s*$")]
    private static partial Regex PackageDirective();

    [GeneratedRegex(@"^<!--\s*prints:\s*(.*?)\s*-->$")]
    private static partial Regex PrintsMarker();
}
