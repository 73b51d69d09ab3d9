namespace GoTraceEngine.Cli.Tests;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("500ms", 500_000_000)]
    [InlineData("30s", 30_000_000_000)]
    [InlineData("1.5s", 1_500_000_000)]
    [InlineData("1m30s", 90_000_000_000)]
    [InlineData("2h", 7_200_000_000_000)]
    [InlineData("250us", 250_000)]
    [InlineData("100ns", 100)]
    public void TryParse_GoDurations_Parse(string text, long ns)
    {
        Assert.True(DurationParser.TryParse(text, out TimeSpan duration));
        Assert.Equal(ns / 100, duration.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData("5 s")]
    [InlineData("5parsecs")]
    [InlineData("-1s")]
    public void TryParse_Nonsense_Fails(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
    }
}
