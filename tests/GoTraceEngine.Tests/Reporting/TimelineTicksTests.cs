using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Reporting;

public sealed class TimelineTicksTests
{
    [Theory]
    [InlineData(0, 5, 1, 1)]
    [InlineData(1, 5, 1, 1)]
    [InlineData(3, 5, 1, 3)]
    [InlineData(7, 5, 2, 8)]
    [InlineData(36, 4, 10, 40)]
    [InlineData(5465, 5, 2000, 6000)]
    [InlineData(1_000_000, 5, 200_000, 1_000_000)]
    public void IntegerStep_Max_IsAWholeRoundStepCoveringItInAtMostTheIntervals(long max, int intervals, long step, long top)
    {
        Assert.Equal(step, TimelineTicks.IntegerStep(max, intervals));
        Assert.Equal(top, TimelineTicks.Top(max, step));
        Assert.InRange(top / step, 1, intervals);
    }

    [Theory]
    [InlineData(7, 8, 1)]
    [InlineData(60_000_000_000, 8, 10_000_000_000)]
    [InlineData(300_000_000_000, 8, 60_000_000_000)]
    [InlineData(2_000_000_000, 8, 500_000_000)]
    [InlineData(86_400_000_000_000 * 30, 8, 86_400_000_000_000 * 5)]
    public void DurationStep_Span_IsARoundDuration(long span, int intervals, long step)
    {
        Assert.Equal(step, TimelineTicks.DurationStep(span, intervals));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(120_000_000_000, "2m")]
    [InlineData(90_000_000_000, "1m30s")]
    [InlineData(7_200_000_000_000, "2h")]
    [InlineData(500_000_000, "500ms")]
    public void DurationLabel_Tick_IsShort(long ns, string label)
    {
        Assert.Equal(label, TimelineTicks.DurationLabel(ns));
    }
}
