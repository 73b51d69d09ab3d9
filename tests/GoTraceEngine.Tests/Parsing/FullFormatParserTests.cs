using System.Text;
using GoTraceEngine.Parsing;

using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Parsing;

public sealed class FullFormatParserTests
{
    private static LineCategory Parse(string line, NameTable names, out TraceEvent e) =>
        TraceLineParser.Parse(Encoding.UTF8.GetBytes(line), 3, names, out e, out _);

    [Fact]
    public void Parse_FullCreate_CarriesTimestampGoIdAndNames()
    {
        var names = new NameTable();
        Assert.Equal(LineCategory.Event, Parse(
            "newproc1: ts=1800000000 goroutine=c0000071a0 parent=824633749504 goid=18 fn=main.Gather.func1 creator=main.Gather",
            names,
            out TraceEvent e));
        Assert.Equal(TraceEventKind.Create, e.Kind);
        Assert.Equal(1_800_000_000, e.Timestamp);
        Assert.Equal(18, e.GoId);
        Assert.Equal("main.Gather.func1", names.GetName(e.StartFunction));
        Assert.Equal("main.Gather", names.GetName(e.Creator));
        Assert.True(e.Has(TraceEventFields.Timestamp | TraceEventFields.GoId | TraceEventFields.StartFunction | TraceEventFields.Creator));
    }

    [Fact]
    public void Parse_FullPark_CarriesWaitObjectAndWaitReason()
    {
        Assert.Equal(LineCategory.Event, Parse("gopark: ts=5 goroutine=c0000071a0 reason=6 wait=15 obj=0xc000020060 future=1", new NameTable(), out TraceEvent e));
        Assert.Equal((byte)6, e.Reason);
        Assert.Equal((byte)15, e.WaitReason);
        Assert.Equal(0xc000020060UL, e.WaitObject);
        Assert.True(e.Has(TraceEventFields.WaitObject | TraceEventFields.WaitReason | TraceEventFields.Timestamp));
    }

    [Fact]
    public void Parse_SnapshotPark_CarriesBlockedSince_AndNoParent()
    {
        Assert.Equal(LineCategory.Event, Parse(
            "gopark: ts=9000 goroutine=c0000071a0 reason=6 wait=15 obj=0 goid=7 gopc=0x4a10 fn=main.fetch creator=main.request since=4000",
            new NameTable(),
            out TraceEvent e));
        Assert.Equal((4000L, 0UL, 9000L, 7L), (e.BlockedSince, e.Parent, e.Timestamp, e.GoId));
        Assert.True(e.Has(TraceEventFields.BlockedSince));
        Assert.False(e.Has(TraceEventFields.Parent));
    }

    [Theory]
    [InlineData("newproc1: ts=9000 goroutine=c0000071a0 parent=0x5 goid=7 fn=main.worker since=4000", 5UL)]
    [InlineData("ready: ts=9000 goroutine=c0000071a0 since=4000", 0UL)]
    [InlineData("gopark: ts=9000 goroutine=c0000071a0 reason=6 since=0", 0UL)]
    [InlineData("gopark: ts=9000 goroutine=c0000071a0 reason=6 since=-5", 0UL)]
    public void Parse_BlockedSince_OnlyANonZeroOneOnAPark(string line, ulong parent)
    {
        Assert.Equal(LineCategory.Event, Parse(line, new NameTable(), out TraceEvent e));
        Assert.Equal((0L, parent), (e.BlockedSince, e.Parent));
        Assert.False(e.Has(TraceEventFields.BlockedSince));
    }

    [Fact]
    public void TraceEvent_StaysEightyEightBytes_WithBlockedSinceInTheParentsSlot()
    {
        // Every event is copied through the pipeline and held in the reorder window: since= shares the parent's slot.
        Assert.Equal(88, System.Runtime.CompilerServices.Unsafe.SizeOf<TraceEvent>());
        var park = new TraceEvent(TraceEventKind.Park, 0xc000, 1, TraceEventFields.BlockedSince | TraceEventFields.Reason, parent: 4000, reason: 6);
        var ready = new TraceEvent(TraceEventKind.Ready, 0xc000, 1, TraceEventFields.BlockedSince, parent: 4000);
        Assert.Equal((4000L, 0UL), (park.BlockedSince, park.Parent));
        Assert.Equal((0L, 4000UL), (ready.BlockedSince, ready.Parent));
        Assert.Equal((4000L, 0UL), (park.WithTimestamp(9000).BlockedSince, park.WithTimestamp(9000).Parent));
    }

    [Fact]
    public void Parse_BadBlockedSince_DropsTheFieldNotThePark()
    {
        Assert.Equal(LineCategory.Event, TraceLineParser.Parse(
            Encoding.UTF8.GetBytes("gopark: ts=9000 goroutine=c0000071a0 reason=6 since=soon"), 3, new NameTable(), out TraceEvent e, out ParseFailure failure));
        Assert.Equal((TraceEventKind.Park, 0L), (e.Kind, e.BlockedSince));
        Assert.Equal(ParseFailure.BadBlockedSince, failure);
    }

    [Theory]
    [InlineData("leaky`main.Gather.func1", "main.Gather.func1")]
    [InlineData("leaky`main.Gather.func1+0x28", "main.Gather.func1")]
    [InlineData("main.(*Server).serve", "main.(*Server).serve")]
    [InlineData("0x4567ab", "0x4567ab")]
    public void Parse_FunctionNames_AreReducedToTheSymbol(string printed, string expected)
    {
        var names = new NameTable();
        Parse($"newproc1: goroutine=c000 fn={printed}", names, out TraceEvent e);
        Assert.Equal(expected, names.GetName(e.StartFunction));
    }

    [Theory]
    [InlineData("main.Gather[go.shape.int].func1", "main.Gather[...].func1")]
    [InlineData("main.(*Pool[go.shape.string]).worker", "main.(*Pool[...]).worker")]
    [InlineData("main.Map[go.shape.int,go.shape.[]uint8]", "main.Map[...]")]
    [InlineData("main.Gather[...].func1", "main.Gather[...].func1")]
    [InlineData("leaky`main.Gather[go.shape.int].func1+0x28", "main.Gather[...].func1")]
    [InlineData("main.broken]name[", "main.broken]name[")]
    public void Parse_GenericFunctionNames_AreNamedAsGoTracebacksPrintThem(string printed, string expected)
    {
        // The runtime's funcNamePiecesForPrint: from the first '[' to the last ']' becomes "[...]".
        var names = new NameTable();
        Parse($"newproc1: goroutine=c000 fn={printed}", names, out TraceEvent e);
        Assert.Equal(expected, names.GetName(e.StartFunction));
        byte[] symbol = EventFieldParser.FunctionName(Encoding.UTF8.GetBytes(printed)).ToArray();
        Assert.Equal(expected, Encoding.UTF8.GetString(EventFieldParser.PrintedName(symbol, new byte[64])));
    }

    [Theory]
    [InlineData("newproc1: ts=7 goroutine=c000 parent=0x1 goid=25 gopc=0x4deecb fn=main.Gather[go.shape.struct { main.a int; main.b int }].func1 creator=main.Gather[go.shape.struct { main.a int; main.b int }]")]
    [InlineData("newproc1: ts=7 goroutine=c000 parent=0x1 goid=25 gopc=0x4deecb fn=main.Gather[go.shape.struct { main.a int; main.b int }_0].func1 creator=main.Gather[go.shape.struct { main.a int; main.b int }_0]")]
    public void Parse_GenericNamesWithBlanksInTheirShapes_AreReadWholeWithTheFieldsAfterThem(string line)
    {
        // bpftrace's usym prints a struct shape's blanks (Go 1.19 adds _0): the name runs to the blank after its brackets.
        var names = new NameTable();
        Assert.Equal(LineCategory.Event, Parse(line, names, out TraceEvent e));
        Assert.Equal(("main.Gather[...].func1", "main.Gather[...]"), (names.GetName(e.StartFunction), names.GetName(e.Creator)));
        Assert.Equal((25L, 0x4deecbUL, 7L), (e.GoId, e.CreatorPc, e.Timestamp));
    }

    [Fact]
    public void Parse_InstantiationsOfOneGenericFunction_ShareAName()
    {
        var names = new NameTable();
        Parse("newproc1: goroutine=c000 fn=main.Gather[go.shape.int].func1 creator=main.main", names, out TraceEvent ints);
        Parse("newproc1: goroutine=c100 fn=main.Gather[go.shape.string].func1 creator=main.main", names, out TraceEvent strings);
        Assert.Equal(ints.StartFunction, strings.StartFunction);
    }

    [Fact]
    public void Parse_SameNameTwice_InternsOnceWithoutAllocating()
    {
        var names = new NameTable();
        byte[] line = "newproc1: goroutine=c000 fn=main.worker creator=main.startPool"u8.ToArray();
        TraceLineParser.Parse(line, 1, names, out TraceEvent first, out _);
        TraceEvent second = default;
        Allocations.Measure(20, i => TraceLineParser.Parse(line, 2 + i, names, out second, out _)).AssertNone(20);
        Assert.Equal(first.StartFunction, second.StartFunction);
        Assert.Equal(4, names.Count);
    }

    [Theory]
    [InlineData("# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.19.8 reasons=trace")]
    [InlineData("  0      1                           :BEGIN # gotrace tracer=dtrace os=darwin arch=arm64 go=1.22 reasons=trace")]
    public void Parse_TraceHeader_IsItsOwnCategory(string line)
    {
        Assert.Equal(LineCategory.TraceHeader, Parse(line, new NameTable(), out _));
    }

    [Theory]
    [InlineData("gopark: ts=x goroutine=c000 reason=6", "BadTimestamp", TraceEventFields.Timestamp)]
    [InlineData("newproc1: goroutine=c000 goid=-", "BadGoId", TraceEventFields.GoId)]
    [InlineData("gopark: goroutine=c000 reason=6 obj=zz", "BadWaitObject", TraceEventFields.WaitObject)]
    [InlineData("gopark: goroutine=c000 reason=6 wait=?", "BadWaitReason", TraceEventFields.WaitReason)]
    public void Parse_BadFullFormatValues_DropTheFieldNotTheEvent(string line, string failure, TraceEventFields dropped)
    {
        LineCategory category = TraceLineParser.Parse(Encoding.UTF8.GetBytes(line), 1, new NameTable(), out TraceEvent e, out ParseFailure why);
        Assert.Equal(LineCategory.Event, category);
        Assert.Equal(failure, why.ToString());
        Assert.False(e.Has(dropped));
    }

    [Fact]
    public void Intern_PastTheCap_MapsNewNamesToOverflow()
    {
        var names = new NameTable();
        for (int i = 0; i < NameTable.MaxNames + 10; i++)
        {
            names.Intern(Encoding.ASCII.GetBytes("f" + i));
        }

        Assert.Equal(NameTable.MaxNames, names.Count);
        Assert.Equal(NameTable.OverflowId, names.Intern("brand.new"u8));
        Assert.Equal("f5", names.GetName(names.Intern("f5"u8)));
    }
    [Fact]
    public void InternPrinted_ManyNamesInAnyOrder_GivesWhatReducingAndInterningGives()
    {
        // Printed forms that share lengths and first and last 8 bytes (so they meet in cache slots), dtrace's module and
        // offset decorations, names of 1 to 7 bytes, names at and past the cache's width, and enough distinct names
        // (300) that slots are refilled again and again. The model is the table without the cache.
        var printed = new List<string>();
        for (int i = 0; i < 100; i++)
        {
            printed.Add($"main.worker{i:D3}.func1");
            printed.Add($"leaky`main.worker{i:D3}.func1+0x{i:x}");
            printed.Add($"main.(*server).handle{i % 7}");
            printed.Add($"main.Map[go.shape.int,go.shape.{i % 5}].func{i % 3}");
        }

        printed.AddRange(["a", "ab", "main.go", "12345678", "x`y", "f+0x1", new string('n', NameTable.CacheWidth - 1) + "1", new string('n', NameTable.CacheWidth), new string('n', NameTable.CacheWidth) + "2", new string('m', 300)]);
        var random = new Random(11);
        var cached = new NameTable();
        var model = new NameTable();
        for (int step = 0; step < 20_000; step++)
        {
            byte[] name = Encoding.UTF8.GetBytes(printed[random.Next(printed.Count)]);
            int id = cached.InternPrinted(name);
            int expected = model.Intern(EventFieldParser.PrintedName(EventFieldParser.FunctionName(name), new byte[1024]));
            Assert.Equal(model.GetName(expected), cached.GetName(id));
            Assert.Equal(expected, id);
        }

        Assert.Equal(model.Count, cached.Count);
    }

    [Fact]
    public void InternPrinted_PastTheCap_CountsEverySightingOfANewName()
    {
        var names = new NameTable();
        for (int i = 2; i < NameTable.MaxNames; i++)
        {
            names.Intern(Encoding.ASCII.GetBytes("f" + i));
        }

        Assert.Equal(NameTable.OverflowId, names.InternPrinted("brand.new"u8));
        Assert.Equal(NameTable.OverflowId, names.InternPrinted("brand.new"u8));
        Assert.Equal(2, names.Overflowed);
        Assert.Equal("f5", names.GetName(names.InternPrinted("mod`f5+0x10"u8)));
    }

    [Fact]
    public void InternPrinted_FrontsOnTwoThreads_HandOutTheSharedTablesIds()
    {
        // Two parsing threads, each with its front, intern the same 600 printed names in different random orders at
        // once: every name gets one id, the same on both threads, naming its symbol in the shared table.
        var printed = new List<string>();
        for (int i = 0; i < 200; i++)
        {
            printed.Add($"main.worker{i:D3}.func1");
            printed.Add($"leaky`main.worker{i:D3}.func1+0x{i:x}");
            printed.Add($"main.(*server).handle{i % 7}" + new string('z', i % 70));
        }

        var shared = new NameTable();
        var ids = new int[2][];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, thread =>
        {
            var front = new NameTable(shared);
            var random = new Random(thread);
            var seen = new int[printed.Count];
            for (int step = 0; step < 50_000; step++)
            {
                int which = random.Next(printed.Count);
                int id = front.InternPrinted(Encoding.UTF8.GetBytes(printed[which]));
                Assert.True(seen[which] == 0 || seen[which] == id, "a front changed its answer");
                seen[which] = id;
            }

            ids[thread] = seen;
        });

        for (int i = 0; i < printed.Count; i++)
        {
            string symbol = Encoding.UTF8.GetString(EventFieldParser.FunctionName(Encoding.UTF8.GetBytes(printed[i])));
            Assert.Equal(symbol, shared.GetName(ids[0][i]));
            Assert.Equal(ids[0][i], ids[1][i]);
        }

        // 200 workers (each one's two printed forms are one symbol), 70 distinct handlers and the two reserved ids.
        Assert.Equal(272, shared.Count);
    }
}
