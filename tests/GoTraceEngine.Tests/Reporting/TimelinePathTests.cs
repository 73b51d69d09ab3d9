using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Reporting;

public sealed class TimelinePathTests
{
    [Fact]
    public void Data_Steps_HoldEachValueUntilTheNextXThenJump()
    {
        var corners = new List<(double X, double Y)>();
        TimelinePath.AddSteps(corners, [0, 10, 20, 30], [100, 80, 80, 50]);
        // 80 held from 10 to 30: one horizontal move, not two.
        Assert.Equal("M0,100H10V80H30V50", TimelinePath.Data(corners, close: false));
    }

    [Fact]
    public void Data_AnArea_GoesAlongTheUpperLineAndBackAlongTheLowerOne()
    {
        var corners = new List<(double X, double Y)>();
        TimelinePath.AddSteps(corners, [0, 10], [50, 40]);
        var back = new List<(double X, double Y)>();
        TimelinePath.AddSteps(back, [0, 10], [100, 90]);
        back.Reverse();
        corners.AddRange(back);
        // Up to 40 and back down at x = 10 is kept as two moves; down to 90 and on to 100 is one.
        Assert.Equal("M0,50H10V40V100H0Z", TimelinePath.Data(corners, close: true));
    }

    [Fact]
    public void Data_ASpikeWithinOnePixel_IsKept()
    {
        var corners = new List<(double X, double Y)>();
        TimelinePath.AddSteps(corners, [0, 10, 10.01, 20], [50, 10, 50, 50]);
        Assert.Equal("M0,50H10V10V50H20", TimelinePath.Data(corners, close: false));
    }

    [Fact]
    public void Data_CornersDifferingInBoth_MovesHorizontallyThenVertically()
    {
        Assert.Equal("M0,0H5V7", TimelinePath.Data([(0, 0), (5, 7)], close: false));
    }
}
