using System.Security;

namespace GoTraceEngine.Packaging.Tests;

/// <summary>
/// Packs <c>src/GoTraceEngine</c> once for the tests that consume it, and gives every consumer project the same isolated
/// NuGet setup: a <c>nuget.config</c> whose only sources are the fresh package (mapped to the id GoTraceEngine alone)
/// and this machine's package cache read as a feed (for its dependencies), and a packages folder of its own, so a
/// stale GoTraceEngine of the same version in the machine's cache can never be used, and nothing is written there.
/// </summary>
public sealed class PackedLibrary : IAsyncLifetime
{
    private string? _work;

    public string Work => _work ?? throw new InvalidOperationException("not initialized");

    public string Packages => Path.Combine(Work, "packages");

    public string Version { get; private set; } = string.Empty;

    /// <summary>Environment for a consumer's <c>dotnet</c>: its own packages folder.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(Work, "nuget-packages") };

    public async ValueTask InitializeAsync()
    {
        _work = Directory.CreateTempSubdirectory("gotrace-packaging-").FullName;
        await Repository.DotnetAsync(Repository.Root, null, "pack", "src/GoTraceEngine", "-c", "Release", "-o", Packages);
        Version = Repository.PackageVersion(Packages, "GoTraceEngine");
        await File.WriteAllTextAsync(Path.Combine(Work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{SecurityElement.Escape(Packages)}" />
                <add key="machine-cache" value="{SecurityElement.Escape(Repository.GlobalPackages)}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="packed">
                  <package pattern="GoTraceEngine" />
                </packageSource>
                <packageSource key="machine-cache">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    /// <summary>A fresh console project under <see cref="Work"/> that references the packed library (and <paramref name="packages"/>).</summary>
    public string CreateConsumer(string name, string program, IEnumerable<(string Id, string Version)> packages)
    {
        string directory = Path.Combine(Work, name);
        Directory.CreateDirectory(directory);
        string references = string.Concat(packages.Prepend(("GoTraceEngine", Version))
            .Select(p => $"""    <PackageReference Include="{SecurityElement.Escape(p.Item1)}" Version="{SecurityElement.Escape(p.Item2)}" />{"\n"}"""));
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        return directory;
    }

    public ValueTask DisposeAsync()
    {
        if (_work is not null)
        {
            Directory.Delete(_work, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The packaging tests build with the same outputs and the machine's two cores: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackedLibrary>
{
    public const string Name = "Packaging";
}
