using System.Text;
using GoTraceEngine.Parsing;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Parsing;

public sealed class SymbolLineParserTests
{
    private static byte[] Bytes(string line) => Encoding.UTF8.GetBytes(line);

    [Theory]
    [InlineData("# gotrace wrapper main.startPool.gowrap1 main.worker")]
    [InlineData("#\tgotrace\twrapper\tmain.startPool.gowrap1\t\tmain.worker \r")]
    [InlineData("#gotrace wrapper main.startPool.gowrap1 main.worker")]
    [InlineData("   # gotrace wrapper main.startPool.gowrap1 main.worker")]
    [InlineData("  0      1                           :BEGIN # gotrace wrapper main.startPool.gowrap1 main.worker")]
    [InlineData("100      1                           :BEGIN # gotrace wrapper main.startPool.gowrap1 main.worker\r\r")]
    public void TryParseWrapper_InAnyShape_GivesBothNames(string line)
    {
        byte[] bytes = Bytes(line);
        Assert.Equal(LineCategory.Symbol, TraceLineParser.Parse(bytes, 1, out TraceEvent e, out ParseFailure why));
        Assert.Equal(ParseFailure.None, why);
        Assert.Equal(TraceEventKind.None, e.Kind);
        Assert.True(SymbolLineParser.TryParseWrapper(bytes, out WrapperSymbol symbol, out why));
        Assert.Equal(ParseFailure.None, why);
        Assert.Equal("main.startPool.gowrap1", Encoding.UTF8.GetString(symbol.Wrapper));
        Assert.Equal("main.worker", Encoding.UTF8.GetString(symbol.Wrapped));
        Assert.False(SymbolLineParser.TryParseSite(bytes, out _, out why));
        Assert.Equal(ParseFailure.None, why);
    }

    [Theory]
    [InlineData("# gotrace site 0x49b04b main.startPool /src/worker-pool/main.go:19", 0x49b04bUL, "main.startPool", "/src/worker-pool/main.go", 19)]
    [InlineData("# gotrace site 49B04B main.startPool /src/worker-pool/main.go:19\r", 0x49b04bUL, "main.startPool", "/src/worker-pool/main.go", 19)]
    [InlineData("# gotrace site 0x1 main.(*Server).Serve /home/me/my app/server.go:2147483647", 1UL, "main.(*Server).Serve", "/home/me/my app/server.go", int.MaxValue)]
    [InlineData("# gotrace  site\t0xffffffffffffffff  p.f[...]  C:\\src\\a:b.go:7  ", ulong.MaxValue, "p.f[...]", "C:\\src\\a:b.go", 7)]
    [InlineData("  0      1                           :BEGIN # gotrace site 0x49b04b main.startPool main.go:19", 0x49b04bUL, "main.startPool", "main.go", 19)]
    public void TryParseSite_InAnyShape_GivesPcFunctionFileAndLine(string line, ulong pc, string function, string file, int lineNumber)
    {
        byte[] bytes = Bytes(line);
        Assert.Equal(LineCategory.Symbol, TraceLineParser.Parse(bytes, 1, out _, out ParseFailure why));
        Assert.Equal(ParseFailure.None, why);
        Assert.True(SymbolLineParser.TryParseSite(bytes, out SiteSymbol symbol, out why));
        Assert.Equal(ParseFailure.None, why);
        Assert.Equal(pc, symbol.Pc);
        Assert.Equal(function, Encoding.UTF8.GetString(symbol.Function));
        Assert.Equal(file, Encoding.UTF8.GetString(symbol.File));
        Assert.Equal(lineNumber, symbol.Line);
        Assert.False(SymbolLineParser.TryParseWrapper(bytes, out _, out _));
    }

    [Theory]
    [InlineData("# gotrace wrapper", "WrapperMissingName")]
    [InlineData("# gotrace wrapper   \t", "WrapperMissingName")]
    [InlineData("# gotrace wrapper main.f.gowrap1", "WrapperMissingName")]
    [InlineData("# gotrace wrapper main.f.gowrap1 main.g extra", "WrapperExtraText")]
    [InlineData("# gotrace site", "SiteBadPc")]
    [InlineData("# gotrace site zz main.f a.go:1", "SiteBadPc")]
    [InlineData("# gotrace site 0x main.f a.go:1", "SiteBadPc")]
    [InlineData("# gotrace site 0x11112222333344445 main.f a.go:1", "SiteBadPc")]
    [InlineData("# gotrace site 0x1", "SiteMissingFunction")]
    [InlineData("# gotrace site 0x1 main.f", "SiteMissingLocation")]
    [InlineData("# gotrace site 0x1 main.f a.go", "SiteMissingLocation")]
    [InlineData("# gotrace site 0x1 main.f :12", "SiteMissingLocation")]
    [InlineData("# gotrace site 0x1 main.f a.go:", "SiteBadLine")]
    [InlineData("# gotrace site 0x1 main.f a.go:1x", "SiteBadLine")]
    [InlineData("# gotrace site 0x1 main.f a.go:-1", "SiteBadLine")]
    [InlineData("# gotrace site 0x1 main.f a.go:2147483648", "SiteBadLine")]
    [InlineData("  0      1      :BEGIN # gotrace site 0x1 main.f", "SiteMissingLocation")]
    public void Parse_MalformedSymbolLine_IsMalformedAndSaysWhy(string line, string expected)
    {
        byte[] bytes = Bytes(line);
        Assert.Equal(LineCategory.Malformed, TraceLineParser.Parse(bytes, 1, out _, out ParseFailure why));
        Assert.Equal(expected, why.ToString());
        Assert.StartsWith("# gotrace ", ParseFailureText.Describe(why), StringComparison.Ordinal);
        bool wrapper = SymbolLineParser.TryParseWrapper(bytes, out _, out ParseFailure wrapperWhy);
        bool site = SymbolLineParser.TryParseSite(bytes, out _, out ParseFailure siteWhy);
        Assert.False(wrapper || site);
        Assert.Equal(expected, (wrapperWhy == ParseFailure.None ? siteWhy : wrapperWhy).ToString());
    }

    [Theory]
    [InlineData("# gotrace tracer=bpftrace go=go1.22", LineCategory.TraceHeader)]
    [InlineData("# gotrace wrapper=1", LineCategory.TraceHeader)]
    [InlineData("# gotrace sites 0x1 f a.go:1", LineCategory.TraceHeader)]
    [InlineData("# exit code=0", LineCategory.TracerMessage)]
    [InlineData("# gotrace", LineCategory.TracerMessage)]
    [InlineData("main: # gotrace wrapper a b", LineCategory.ProgramOutput)]
    public void TryParse_LinesThatAreNoSymbols_AreLeftAlone(string line, LineCategory expected)
    {
        byte[] bytes = Bytes(line);
        Assert.Equal(expected, TraceLineParser.Parse(bytes, 1, out _, out _));
        Assert.False(SymbolLineParser.TryParseWrapper(bytes, out _, out ParseFailure why));
        Assert.Equal(ParseFailure.None, why);
        Assert.False(SymbolLineParser.TryParseSite(bytes, out _, out why));
        Assert.Equal(ParseFailure.None, why);
    }

    [Fact]
    public void Parse_SymbolLines_DoNotAllocate()
    {
        byte[] wrapper = Bytes("# gotrace wrapper main.startPool.gowrap1 main.worker");
        byte[] site = Bytes("  0      1                           :BEGIN # gotrace site 0x49b04b main.startPool /src/worker-pool/main.go:19");
        int lines = 0;
        Allocations.Measure(20, call =>
        {
            lines += TraceLineParser.Parse(wrapper, 1, out _, out _) == LineCategory.Symbol ? 1 : 0;
            lines += TraceLineParser.Parse(site, 2, out _, out _) == LineCategory.Symbol ? 1 : 0;
            lines += SymbolLineParser.TryParseWrapper(wrapper, out WrapperSymbol w, out _) && w.Wrapped.Length > 0 ? 1 : 0;
            lines += SymbolLineParser.TryParseSite(site, out SiteSymbol s, out _) && s.Line == 19 ? 1 : 0;
        }).AssertNone(20);
        Assert.True(lines > 0 && lines % 4 == 0);
    }

    [Fact]
    public void EveryLine_TheEngineIsToldIsASymbolOrHeader_ItsParserReads()
    {
        // The engine re-reads Symbol and TraceHeader lines with these parsers: they must agree with the classifier on
        // every shape, whatever the prefix, blanks or damage.
        string[] shapes =
        [
            "# gotrace wrapper a.f.gowrap1 a.g", "# gotrace site 0x49b04b main.startPool /src/a b/main.go:19", "# gotrace tracer=x go=1.22",
            "# exit code=0", "gopark: goroutine=c000 reason=6", "hello # gotrace wrapper a b", "  0  1  :BEGIN ",
        ];
        string[] prefixes = ["", " ", "\t", "  0      1                           :BEGIN ", "100 1042341 :BEGIN ", " 12  -> main.main   ", "  0 | :BEGIN  ", "x: "];
        var random = new Random(5);
        int symbols = 0, headers = 0;
        for (int n = 0; n < 20_000; n++)
        {
            var text = new StringBuilder(prefixes[random.Next(prefixes.Length)] + shapes[random.Next(shapes.Length)]);
            for (int damage = random.Next(3); damage > 0 && text.Length > 0; damage--)
            {
                text[random.Next(text.Length)] = " \t:#x0\r"[random.Next(7)];
            }

            byte[] line = Bytes(text.ToString());
            LineCategory category = TraceLineParser.Parse(line, 1, out _, out ParseFailure why);
            bool wrapper = SymbolLineParser.TryParseWrapper(line, out _, out ParseFailure wrapperWhy);
            bool site = SymbolLineParser.TryParseSite(line, out _, out ParseFailure siteWhy);
            Assert.True((category == LineCategory.Symbol) == (wrapper || site), text.ToString());
            Assert.True((category == LineCategory.TraceHeader) == TraceHeaderParser.TryParse(line, out _), text.ToString());
            if (category == LineCategory.Malformed && (wrapperWhy != ParseFailure.None || siteWhy != ParseFailure.None))
            {
                Assert.Equal(why, wrapperWhy == ParseFailure.None ? siteWhy : wrapperWhy);
            }

            symbols += category == LineCategory.Symbol ? 1 : 0;
            headers += category == LineCategory.TraceHeader ? 1 : 0;
        }

        Assert.True(symbols > 1000 && headers > 1000, $"{symbols} symbol and {headers} header lines");
    }
}
