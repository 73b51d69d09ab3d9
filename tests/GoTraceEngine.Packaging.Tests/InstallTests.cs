namespace GoTraceEngine.Packaging.Tests;

/// <summary>
/// Runs the README's install commands (the <c>sh</c> block after the <c>&lt;!-- install:</c> marker), as written, in
/// the source tree with <c>HOME</c> set to a new temporary folder: the packages they write, the global tool path and
/// the tool's store are that folder's, so the run depends on no earlier one and leaves nothing behind. The build
/// reads the machine's NuGet cache as every build does; the installed package comes only from the folder the pack
/// wrote (the block's <c>--configfile</c>).
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class InstallTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("gotrace-install-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task ReadmeInstall_PackInstallRun_GivesTheNativeToolThatReplaysTheFixture()
    {
        CodeBlock block = Assert.Single(Repository.CodeBlocks(Repository.Readme, "sh"), b => b.Before.StartsWith("<!-- install:", StringComparison.Ordinal));
        Assert.Contains("dotnet pack src/GoTraceEngine.Cli", block.Code, StringComparison.Ordinal);
        Assert.Contains("dotnet tool install", block.Code, StringComparison.Ordinal);

        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = _home,
            ["DOTNET_CLI_HOME"] = _home,
            ["NUGET_PACKAGES"] = Repository.GlobalPackages,
        };
        (int exit, string output, string error) = await Repository.RunAsync(
            "bash", ["-euo", "pipefail", "-c", block.Code], Repository.Root, environment, TimeSpan.FromMinutes(10));

        Assert.True(exit == 0, $"the README's install commands exited {exit}:\n{output}\n{error}");
        string[] packages = [.. Directory.GetFiles(Path.Combine(_home, ".gotrace", "packages"), "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(["gotrace." + Version(output) + ".nupkg", "gotrace.any." + Version(output) + ".nupkg", "gotrace.linux-x64." + Version(output) + ".nupkg"], packages);

        // The command on PATH is the NativeAOT binary of the linux-x64 package, not a shim that starts a runtime.
        var tool = new FileInfo(Path.Combine(_home, ".dotnet", "tools", "gotrace"));
        string target = tool.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? tool.FullName;
        Assert.Contains(Path.Combine("gotrace.linux-x64", Version(output), "tools"), target, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.ChangeExtension(target, ".dll")), "a NativeAOT tool has no managed gotrace.dll next to it");

        Assert.EndsWith("\n" + File.ReadAllText(Repository.Fixture("leaky.expected.txt")), output, StringComparison.Ordinal);
    }

    /// <summary>The <c>gotrace --version</c> line of the output, without its source revision: <c>0.1.0+abc…</c> → <c>0.1.0</c>.</summary>
    private static string Version(string output)
    {
        string line = Assert.Single(output.Split('\n'), l => l.Length > 0 && char.IsAsciiDigit(l[0]) && l.Contains('.', StringComparison.Ordinal));
        return line.Split('+')[0];
    }
}
