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
}
