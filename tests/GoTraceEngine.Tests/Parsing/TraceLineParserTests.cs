using System.Text;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Tests.Parsing;

public sealed class TraceLineParserTests
{
    private static LineCategory Parse(string line, out TraceEvent e) => Parse(Encoding.UTF8.GetBytes(line), out e);

    private static LineCategory Parse(byte[] line, out TraceEvent e) => TraceLineParser.Parse(line, 42, out e, out _);

    [Theory]
    [InlineData("newproc1: goroutine=140000036c0 parent=1374389543360 count=1 blocked_count=0")]
    [InlineData("  3  80134          runtime.newproc1:return newproc1: goroutine=140000036c0 parent=1374389543360 count=1 blocked_count=0")]
    [InlineData("100 1042341          runtime.newproc1:return newproc1: goroutine=140000036c0 parent=1374389543360 count=1 blocked_count=0")]
    [InlineData(" 12  <- runtime.newproc1                        newproc1: goroutine=140000036c0 parent=1374389543360 count=1 blocked_count=0")]
    [InlineData("newproc1: goroutine=0x140000036c0 parent=0x140000021c0 count=1 blocked_count=0")]
    [InlineData("newproc1: goroutine=140000036c0 parent=1374389543360 count=1 blocked_count=0\r")]
    [InlineData("newproc1:  goroutine=140000036c0   parent=1374389543360  count=1 blocked_count=0  ")]
    [InlineData("newproc1: count=1 blocked_count=0 parent=1374389543360 goroutine=140000036c0")]
    public void Parse_CreateInEveryShape_GivesTheSameEvent(string line)
    {
        Assert.Equal(LineCategory.Event, Parse(line, out TraceEvent e));
        Assert.Equal(TraceEventKind.Create, e.Kind);
        Assert.Equal(0x140000036c0UL, e.GPointer);
        Assert.Equal(0x140000021c0UL, e.Parent);
        Assert.Equal(1, e.ScriptCount);
        Assert.Equal(0, e.ScriptBlockedCount);
        Assert.Equal(42, e.LineNumber);
        Assert.True(e.Has(TraceEventFields.Parent | TraceEventFields.ScriptCount | TraceEventFields.ScriptBlockedCount));
    }

    [Fact]
    public void Parse_CreateWithoutCounters_HasNoCounterFields()
    {
        Assert.Equal(LineCategory.Event, Parse("newproc1: goroutine=c000102fc0 parent=824634818560", out TraceEvent e));
        Assert.Equal(0xc000102fc0UL, e.GPointer);
        Assert.False(e.Has(TraceEventFields.ScriptCount));
        Assert.False(e.Has(TraceEventFields.ScriptBlockedCount));
    }

    [Fact]
    public void Parse_NegativeDecimalParent_KeepsTheBits()
    {
        // %d of an int64 argN prints pointers with the top bit set as negative numbers.
        Assert.Equal(LineCategory.Event, Parse("newproc1: goroutine=c000102fc0 parent=-2", out TraceEvent e));
        Assert.Equal(unchecked((ulong)-2L), e.Parent);
    }

    [Theory]
    [InlineData("gopark: goroutine=140000036c0 blocked=1 reason=6 blocked_count=1", 6)]
    [InlineData("  3  80131             runtime.gopark:entry gopark: goroutine=140000036c0 blocked=1 reason=6 blocked_count=1", 6)]
    [InlineData("gopark: goroutine=140000036c0 reason=1030", 6)]
    [InlineData("gopark: goroutine=140000036c0 reason=-250", 6)]
    [InlineData("gopark: goroutine=140000036c0 reason=3 blocked=1 extra=ignored ts=17", 3)]
    public void Parse_Park_MasksReasonToItsByte(string line, int reason)
    {
        Assert.Equal(LineCategory.Event, Parse(line, out TraceEvent e));
        Assert.Equal(TraceEventKind.Park, e.Kind);
        Assert.Equal(0x140000036c0UL, e.GPointer);
        Assert.Equal(reason, e.Reason);
    }

    [Theory]
    [InlineData("ready: goroutine=140000036c0", TraceEventKind.Ready)]
    [InlineData("  7  80200               runtime.ready:entry ready: goroutine=140000036c0", TraceEventKind.Ready)]
    [InlineData("godestroy: goroutine=140000036c0 count=2 blocked_count=1", TraceEventKind.Destroy)]
    [InlineData("gdestroy: goroutine=140000036c0", TraceEventKind.Destroy)]
    [InlineData("goroutine 140000036c0 created: count=1", TraceEventKind.Create)]
    [InlineData("goroutine 140000036c0 destroyed: count=0", TraceEventKind.Destroy)]
    [InlineData("  0  80134          runtime.newproc1:return goroutine 140000036c0 created: count=1", TraceEventKind.Create)]
    public void Parse_GoroutineEvents_HaveKindAndPointer(string line, TraceEventKind kind)
    {
        Assert.Equal(LineCategory.Event, Parse(line, out TraceEvent e));
        Assert.Equal(kind, e.Kind);
        Assert.Equal(0x140000036c0UL, e.GPointer);
    }

    [Theory]
    [InlineData("profile-1s: count=3 blocked_count=2", TraceEventKind.Tick)]
    [InlineData("tick-1s: count=3 blocked_count=2", TraceEventKind.Tick)]
    [InlineData("END: count=3 blocked_count=2", TraceEventKind.End)]
    [InlineData("  1  41241                     :profile-1s profile-1s: count=3 blocked_count=2", TraceEventKind.Tick)]
    [InlineData("  0      2                             :END END: count=3 blocked_count=2", TraceEventKind.End)]
    public void Parse_TicksAndEnd_CarryCountersButNoGoroutine(string line, TraceEventKind kind)
    {
        Assert.Equal(LineCategory.Event, Parse(line, out TraceEvent e));
        Assert.Equal(kind, e.Kind);
        Assert.Equal(0UL, e.GPointer);
        Assert.Equal(3, e.ScriptCount);
        Assert.Equal(2, e.ScriptBlockedCount);
    }

    [Theory]
    [InlineData("", LineCategory.Blank)]
    [InlineData("   \t ", LineCategory.Blank)]
    [InlineData("\r", LineCategory.Blank)]
    [InlineData("CPU     ID                    FUNCTION:NAME", LineCategory.Header)]
    [InlineData("CPU FUNCTION                                 ", LineCategory.Header)]
    [InlineData("dtrace: script 'goroutines.d' matched 7 probes", LineCategory.TracerMessage)]
    [InlineData("dtrace: description 'profile-3hz ' matched 1 probe", LineCategory.TracerMessage)]
    [InlineData("dtrace: pid 28627 has exited", LineCategory.TracerMessage)]
    [InlineData("dtrace: system integrity protection is on, some features will not be available", LineCategory.TracerMessage)]
    [InlineData("dtrace: buffer size lowered to 2m", LineCategory.TracerMessage)]
    [InlineData("Attaching 5 probes...", LineCategory.TracerMessage)]
    [InlineData("dtrace: 11 drops on CPU 0", LineCategory.DataLoss)]
    [InlineData("dtrace: 1 drop on CPU 3", LineCategory.DataLoss)]
    [InlineData("dtrace: 5 aggregation drops on CPU 1", LineCategory.DataLoss)]
    [InlineData("dtrace: 17 dynamic variable drops with non-empty dirty list", LineCategory.DataLoss)]
    [InlineData("dtrace: 2 speculative drops", LineCategory.DataLoss)]
    [InlineData("dtrace: [DTRACEDROP_PRINCIPAL] 11 drops on CPU 0", LineCategory.DataLoss)]
    [InlineData("Lost 1234 events", LineCategory.DataLoss)]
    [InlineData("dtrace: error on enabled probe ID 5 (ID 80123: pid4242:leaky:runtime.gopark:entry): invalid address (0x10) in action #2 at DIF offset 28", LineCategory.ProbeError)]
    [InlineData("dtrace: error in dt_clause_0 for probe ID 5 (pid4242:leaky:runtime.gopark:entry): invalid address (0x10) at BPF pc 12", LineCategory.ProbeError)]
    [InlineData("dtrace: failed to compile script goroutines.d: line 3: probe description pid4242::runtime.gdestroy:entry does not match any probes", LineCategory.TracerFatal)]
    [InlineData("dtrace: processing aborted: Abort due to systemic unresponsiveness", LineCategory.TracerFatal)]
    [InlineData(" 12  -> main.main                             ", LineCategory.Flow)]
    [InlineData(" 12        <- runtime.newproc1                ", LineCategory.Flow)]
    [InlineData("  0 | main.main:return                        ", LineCategory.Flow)]
    [InlineData("  0  => write                                 ", LineCategory.Flow)]
    [InlineData("              leaky`main.Gather+0x74", LineCategory.StackFrame)]
    [InlineData("              leaky`runtime.goexit.abi0+0x4", LineCategory.StackFrame)]
    [InlineData("              0x100a6d448", LineCategory.StackFrame)]
    [InlineData("  chan send                                                         3", LineCategory.Aggregation)]
    [InlineData("               12               7", LineCategory.Aggregation)]
    [InlineData("           value  ------------- Distribution ------------- count    ", LineCategory.Aggregation)]
    [InlineData("               4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 3        ", LineCategory.Aggregation)]
    [InlineData("               8 |                                         0        ", LineCategory.Aggregation)]
    [InlineData("  5  65087                    os.Stat:entry ", LineCategory.OtherProbe)]
    [InlineData("  5  65162                   os.Stat:return err=0", LineCategory.OtherProbe)]
    [InlineData("  5  52085       sort.(*reverse).Len:return 1", LineCategory.OtherProbe)]
    [InlineData("CPU   ", LineCategory.ProgramOutput)]
    [InlineData("CPU \t\r", LineCategory.ProgramOutput)]
    [InlineData("nGoro = 3", LineCategory.ProgramOutput)]
    [InlineData("host=localhost addr=45564", LineCategory.ProgramOutput)]
    [InlineData("goroutine 1 [running]:", LineCategory.ProgramOutput)]
    [InlineData("goroutine 18 [chan send]:", LineCategory.ProgramOutput)]
    [InlineData("panic: oops", LineCategory.ProgramOutput)]
    [InlineData("newproc1:goroutine=1", LineCategory.ProgramOutput)]
    public void Parse_NonEventLines_AreClassified(string line, LineCategory expected)
    {
        Assert.Equal(expected, Parse(line, out TraceEvent e));
        Assert.Equal(TraceEventKind.None, e.Kind);
    }

    [Fact]
    public void Parse_InvalidUtf8_IsItsOwnCategory()
    {
        Assert.Equal(LineCategory.InvalidUtf8, Parse([0x70, 0xE9, 0xFF, 0x00, 0x41], out _));
    }

    [Fact]
    public void Parse_InvalidUtf8InsideAnEventLine_StillParsesTheFields()
    {
        byte[] line = [.. "gopark: goroutine=c000 reason=6 note="u8, 0xFF, 0xFE];
        Assert.Equal(LineCategory.Event, Parse(line, out TraceEvent e));
        Assert.Equal(0xc000UL, e.GPointer);
    }

    [Theory]
    [InlineData("gopark: goroutine=140000036c0 blocked=1 blocked_count=1", "MissingReason")]
    [InlineData("gopark: goroutine=zz reason=6", "BadGoroutine")]
    [InlineData("gopark: goroutine= reason=6", "BadGoroutine")]
    [InlineData("gopark: goroutine=0 reason=6", "ZeroGoroutine")]
    [InlineData("gopark: goroutine=c000 reason=six", "BadReason")]
    [InlineData("gopark: goroutine=c000 reason=99999999999999999999999", "BadReason")]
    [InlineData("newproc1: parent=1 count=1", "MissingGoroutine")]
    [InlineData("ready: goroutine=12345678901234567890", "BadGoroutine")]
    [InlineData("goroutine 0xzz created: count=1", "BadGoroutine")]
    [InlineData("  3  80131  runtime.gopark:entry gopark: goroutine=c000", "MissingReason")]
    public void Parse_EventKeywordWithBadRequiredFields_IsMalformedWithAReason(string line, string failure)
    {
        LineCategory category = TraceLineParser.Parse(Encoding.UTF8.GetBytes(line), 7, out TraceEvent e, out ParseFailure why);
        Assert.Equal(LineCategory.Malformed, category);
        Assert.Equal(failure, why.ToString());
        Assert.Equal(TraceEventKind.None, e.Kind);
    }

    [Theory]
    [InlineData("newproc1: goroutine=c000 parent=x1", "BadParent", TraceEventFields.Parent)]
    [InlineData("newproc1: goroutine=c000 count=1x", "BadCount", TraceEventFields.ScriptCount)]
    [InlineData("newproc1: goroutine=c000 count=abc parent=5", "BadCount", TraceEventFields.ScriptCount)]
    [InlineData("godestroy: goroutine=c000 blocked_count=--1", "BadBlockedCount", TraceEventFields.ScriptBlockedCount)]
    [InlineData("gopark: goroutine=c000 reason=1 blocked=yes", "BadBlocked", TraceEventFields.ScriptBlocked)]
    [InlineData("END: count=lots", "BadCount", TraceEventFields.ScriptCount)]
    [InlineData("ready: goroutine=c000 reason=zz", "BadReason", TraceEventFields.Reason)]
    public void Parse_BadOptionalField_KeepsTheEventWithoutIt(string line, string failure, TraceEventFields dropped)
    {
        LineCategory category = TraceLineParser.Parse(Encoding.UTF8.GetBytes(line), 7, out TraceEvent e, out ParseFailure why);
        Assert.Equal(LineCategory.Event, category);
        Assert.Equal(failure, why.ToString());
        Assert.False(e.Has(dropped));
        Assert.Equal(7, e.LineNumber);
    }

    [Theory]
    [InlineData("newproc1:\tgoroutine=c000\tparent=5")]
    [InlineData("newproc1: goroutine=c000\t\tparent=5 \t")]
    [InlineData("   newproc1: goroutine=c000 parent=5")]
    [InlineData("\tnewproc1: goroutine=c000 parent=5")]
    [InlineData("newproc1: goroutine=c000 parent=5\r\r")]
    [InlineData("newproc1: goroutine=0xc000\tparent=5")]
    public void Parse_TabsAndLeadingBlanks_SplitFieldsLikeSpaces(string line)
    {
        LineCategory category = TraceLineParser.Parse(Encoding.UTF8.GetBytes(line), 1, out TraceEvent e, out ParseFailure why);
        Assert.Equal(LineCategory.Event, category);
        Assert.Equal(ParseFailure.None, why);
        Assert.Equal(0xc000UL, e.GPointer);
        Assert.Equal(5UL, e.Parent);
    }

    [Theory]
    [InlineData("newproc1: goroutine=c000 parent=18446744073709551615", ulong.MaxValue)]
    [InlineData("newproc1: goroutine=c000 parent=-1", ulong.MaxValue)]
    [InlineData("newproc1: goroutine=c000 parent=9223372036854775808", 9223372036854775808UL)]
    public void Parse_ParentAsUnsignedOrTwosComplement_KeepsTheBits(string line, ulong parent)
    {
        Assert.Equal(LineCategory.Event, TraceLineParser.Parse(Encoding.UTF8.GetBytes(line), 1, out TraceEvent e, out _));
        Assert.Equal(parent, e.Parent);
    }

    [Theory]
    [InlineData("gopark: goroutine=c000 reason=18446744073709551366")]
    [InlineData("gopark: goroutine=c000 reason=-250")]
    public void Parse_ReasonAsSixtyFourBitTwosComplement_KeepsItsLowByte(string line)
    {
        Assert.Equal(LineCategory.Event, TraceLineParser.Parse(Encoding.UTF8.GetBytes(line), 1, out TraceEvent e, out _));
        Assert.Equal(6, e.Reason);
    }

    [Theory]
    [InlineData("# gotrace tracer=bpftrace go=go1.21")]
    [InlineData("#\tgotrace\ttracer=bpftrace go=go1.21")]
    [InlineData("# gotrace  tracer=bpftrace  go=go1.21")]
    [InlineData("#gotrace tracer=bpftrace go=go1.21")]
    public void Parse_TraceHeaderWithAnyBlanks_IsATraceHeader(string line)
    {
        Assert.Equal(LineCategory.TraceHeader, TraceLineParser.Parse(Encoding.UTF8.GetBytes(line), 1, out _, out _));
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrows()
    {
        var random = new Random(1234);
        var buffer = new byte[300];
        for (int i = 0; i < 20_000; i++)
        {
            int length = random.Next(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (i % 3 == 0)
            {
                "gopark: goroutine="u8.CopyTo(buffer);
            }

            _ = TraceLineParser.Parse(buffer.AsSpan(0, Math.Max(length, i % 3 == 0 ? 18 : 0)), i, out _, out _);
        }
    }
}
