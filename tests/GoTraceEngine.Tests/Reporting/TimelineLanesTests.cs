using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Reporting;

public sealed class TimelineLanesTests
{
    [Fact]
    public void Layout_MoreThanTenGroupsStartingTogether_LabelsTheTenBiggestOneARow()
    {
        // 25 groups starting within a few pixels of each other: the case that piled labels on top of each other.
        List<TimelineMarker> markers = [.. Enumerable.Range(0, 25).Select(i => Marker(x: 500 + (i % 3), count: 100 - (3 * i), "main.handlerWithAVeryLongName" + i))];
        List<TimelineLane> lanes = TimelineLanes.Layout(markers, m => m.X, m => m.Label, 6, 994);
        Assert.Equal(TimelineLanes.MaxLabels, lanes.Count);
        Assert.Equal(markers.Take(10).Select(m => m.Label).Order(StringComparer.Ordinal), lanes.Select(l => l.Marker.Label).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, 10), lanes.Select(l => l.Lane).Order());
        Assert.Equal(Enumerable.Range(0, 10), lanes.Select(l => l.Rank).Order());

        // Earliest start at the top.
        Assert.True(lanes.OrderBy(l => l.Lane).Zip(lanes.OrderBy(l => l.Lane).Skip(1)).All(p => p.First.Marker.X <= p.Second.Marker.X));
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(900, true)]
    public void Layout_ALabelThatDoesNotFitRightOfItsStart_EndsLeftOfIt(double start, bool anchorEnd)
    {
        TimelineLane lane = Assert.Single(TimelineLanes.Layout([Marker((long)start, 3, "main.(*Server).handle: chan receive ×3, since 41.5s")], m => m.X, m => m.Label, 6, 994));
        Assert.Equal(anchorEnd, lane.AnchorEnd);
        Assert.DoesNotContain('…', lane.Text);
        double width = TimelineLanes.Width(lane.Text);
        Assert.InRange(anchorEnd ? lane.TextX - width : lane.TextX + width, 6, 994);
    }

    [Fact]
    public void Layout_ALabelWiderThanEitherSide_IsCutToFit()
    {
        string name = "main." + new string('x', 200);
        TimelineLane lane = Assert.Single(TimelineLanes.Layout([Marker(500, 1, name)], m => m.X, m => m.Label, 6, 994));
        Assert.EndsWith("…", lane.Text, StringComparison.Ordinal);
        Assert.StartsWith("main.xxx", lane.Text, StringComparison.Ordinal);
        double width = TimelineLanes.Width(lane.Text);
        Assert.InRange(lane.AnchorEnd ? lane.TextX - width : lane.TextX + width, 6, 994);
    }

    private static TimelineMarker Marker(long x, long count, string label) => new()
    {
        X = x,
        Label = label,
        Count = count,
        ParkedAt = [x],
        Group = new LeakGroup { StartFunction = label, Creator = null, Reason = "chan receive", ReasonCode = 7, Count = count, OldestBlockedNs = null, ExampleG = 0xc000 },
    };
}
