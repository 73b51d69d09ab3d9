using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GoTraceEngine.Cli.Tests;

/// <summary>
/// <see cref="GoSymbols"/> on the fixture programs built with Go 1.19, 1.22 and 1.27 (a version whose toolchain is
/// missing is skipped, saying so): the names are checked against the programs' own goroutine dumps and against
/// objdump's disassembly. The live tests (<see cref="LiveTraceTests"/>) check them again on real traces.
/// </summary>
public sealed partial class GoSymbolsTests
{
    private static readonly string[] s_leaky = ["gather-leaky", "worker-pool", "select-timeout", "mutex-deadlock", "churn"];

    public static TheoryData<string, string> VersionsAndPrograms()
    {
        var data = new TheoryData<string, string>();
        foreach (string version in GoFixtures.Versions)
        {
            foreach (string program in s_leaky)
            {
                data.Add(version, program);
            }
        }

        return data;
    }

    public static TheoryData<string> Versions() => [.. GoFixtures.Versions];

    [Theory]
    [MemberData(nameof(VersionsAndPrograms))]
    public void Sites_GiveTheCreatedByLinesOfTheProgramsOwnDump(string version, string program)
    {
        string binary = GoFixtures.Build(version, program);
        GoSymbols names = Read(binary);
        ElfImage elf = ElfImage.Read(File.ReadAllBytes(binary), out _)!;
        DumpedGoroutine[] created = [.. GoFixtures.RunForDump(binary).Goroutines.Where(g => g.Creator is not null)];
        Assert.NotEmpty(created);
        foreach (DumpedGoroutine g in created)
        {
            // The dump prints the go statement's pc as an offset into the creating function.
            ulong gopc = elf.Symbol(g.Creator!)!.Value + g.CreatorOffset!.Value;
            GoStatementSite site = Assert.Single(names.Sites, s => s.Pc == gopc);
            Assert.Equal((g.Creator, g.CreatorLocation), (site.Function, $"{site.File}:{site.Line}"));
            Assert.Equal(site, names.ResolveCreator(gopc));
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Sites_AreTheCallsToNewprocObjdumpFinds(string version)
    {
        if (TraceCommand.FindOnPath("objdump") is null)
        {
            Assert.Skip("objdump (binutils) is not installed");
        }

        foreach (string program in new[] { "churn", "mutex-deadlock", "leaky-server" })
        {
            string binary = GoFixtures.Build(version, program);
            var start = new ProcessStartInfo("objdump", ["-d", "--no-show-raw-insn", binary]) { RedirectStandardOutput = true };
            using Process objdump = Process.Start(start)!;
            string[] lines = objdump.StandardOutput.ReadToEnd().Split('\n');
            objdump.WaitForExit();
            var expected = new List<ulong>();
            for (int i = 0; i + 1 < lines.Length; i++)
            {
                if (NewprocCall().IsMatch(lines[i]) && InstructionAddress().Match(lines[i + 1]) is { Success: true } next)
                {
                    expected.Add(ulong.Parse(next.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }

            Assert.NotEmpty(expected);
            Assert.Equal(expected.Order(), Read(binary).Sites.Select(s => s.Pc).Order());
        }
    }

    [Theory]
    [InlineData("worker-pool", "main.worker")]
    [InlineData("churn", "main.leak;main.work")]
    [InlineData("mutex-deadlock", "main.lockAB;main.lockBA;main.waiter")]
    [InlineData("leaky-server", "main.(*server).handle;main.lookup")]
    [InlineData("gather-leaky", "")]
    [InlineData("select-timeout", "")]
    public void Wrappers_OfGoStatements_NameTheFunctionTheyRun_OnEveryVersion(string program, string expected)
    {
        foreach (string version in GoFixtures.Versions.Where(v => File.Exists(GoFixtures.Toolchain(v))))
        {
            GoWrapper[] wrappers = [.. Read(GoFixtures.Build(version, program)).Wrappers.Where(w => w.Wrapped.StartsWith("main.", StringComparison.Ordinal))];
            Assert.Equal(expected.Split(';', StringSplitOptions.RemoveEmptyEntries), wrappers.Select(w => w.Wrapped).Order(StringComparer.Ordinal));

            // Go 1.18-1.20 name them main.F.funcN, later releases main.F.gowrapN; never a closure that is not a wrapper.
            string pattern = version is "1.19" ? @"^main\..*\.func\d+$" : @"^main\..*\.gowrap\d+$";
            Assert.All(wrappers, w => Assert.Matches(pattern, w.Wrapper));
        }
    }

    [Fact]
    public void Unwrap_KeepsClosuresThatAreNotWrappers()
    {
        foreach (string version in GoFixtures.Versions.Where(v => File.Exists(GoFixtures.Toolchain(v))))
        {
            GoSymbols names = Read(GoFixtures.Build(version, "gather-leaky"));
            Assert.Equal("main.Gather.func1", names.Unwrap("main.Gather.func1"));
        }
    }

    [Fact]
    public void Lines_HaveTheDocumentedShapes()
    {
        string version = GoFixtures.Versions.FirstOrDefault(v => File.Exists(GoFixtures.Toolchain(v))) ?? GoFixtures.Versions[0];
        GoSymbols names = Read(GoFixtures.Build(version, "worker-pool"));
        string[] lines = [.. names.Lines()];
        Assert.Equal(names.Wrappers.Count + names.Sites.Count, lines.Length);
        Assert.All(lines[..names.Wrappers.Count], l => Assert.Matches(@"^# gotrace wrapper \S+ \S+$", l));
        Assert.All(lines[names.Wrappers.Count..], l => Assert.Matches(@"^# gotrace site 0x[0-9a-f]+ \S+ .+:\d+$", l));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^# gotrace site 0x[0-9a-f]+ main\.startPool /.*/worker-pool/main\.go:19$"));
    }

    [Theory]
    [InlineData("main.worker", "main.worker")]
    [InlineData("main.start[go.shape.int].func1", "main.start[...].func1")]
    [InlineData("main.wait[go.shape.struct { main.a int; main.b int }]", "main.wait[...]")]
    [InlineData("main.(*T[...]).M", "main.(*T[...]).M")]
    public void PrintName_ElidesTypeArgumentsLikeTheRuntime(string name, string printed) => Assert.Equal(printed, GoSymbols.PrintName(name));

    [Fact]
    public void Read_BadInput_SaysWhyInOneLine()
    {
        string text = Path.Combine(Path.GetTempPath(), "gotrace-not-elf-" + Guid.NewGuid().ToString("n"));
        File.WriteAllText(text, "#!/bin/sh\necho hi\n");
        try
        {
            Assert.Null(GoSymbols.Read(text, out string? error));
            Assert.Equal($"'{text}' is not an ELF executable", error);
        }
        finally
        {
            File.Delete(text);
        }

        Assert.Null(GoSymbols.Read("/nonexistent/prog", out string? missing));
        Assert.Equal("cannot read '/nonexistent/prog': no such directory", missing);

        if (File.Exists("/bin/sh"))
        {
            Assert.Null(GoSymbols.Read("/bin/sh", out string? notGo));
            Assert.StartsWith("'/bin/sh' is not a Go program", notGo, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Read_BinaryWithoutSymbolTable_SaysHowToRebuild(string version)
    {
        string binary = GoFixtures.BuildFrom(version, Path.Combine(AppContext.BaseDirectory, "fixtures", "go", "worker-pool"), "worker-pool", "-s -w");
        Assert.Null(GoSymbols.Read(binary, out string? error));
        Assert.Equal($"'{binary}' has no symbol table (built with -ldflags=-s, or stripped): tracers cannot name its functions; rebuild without -s and do not strip it", error);
    }

    private static GoSymbols Read(string binary)
    {
        GoSymbols? names = GoSymbols.Read(binary, out string? error);
        Assert.True(names is not null, error);
        return names;
    }

    [GeneratedRegex(@"\scall\s+[0-9a-f]+ <runtime\.(newproc|newcoro)>$")]
    private static partial Regex NewprocCall();

    [GeneratedRegex(@"^\s*([0-9a-f]+):")]
    private static partial Regex InstructionAddress();
}
