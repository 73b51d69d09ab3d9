using System.Text.Json;
using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Reporting;

public sealed class ReportJsonTests
{
    private static JsonElement LeakyJson()
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixtures.PathOf("leaky-noisy.dtrace.txt"));
        return JsonDocument.Parse(ReportWriter.ToJson(engine.GetSummary())).RootElement;
    }

    [Fact]
    public void ToJson_ContractFields_HaveTheirDocumentedNamesAndShapes()
    {
        JsonElement root = LeakyJson();
        Assert.Equal(35, root.GetProperty("lines").GetProperty("total").GetInt64());
        Assert.Equal(7, root.GetProperty("lines").GetProperty("events").GetInt64());
        Assert.Equal(28, root.GetProperty("lines").GetProperty("skipped").GetInt64());
        Assert.Equal(1, root.GetProperty("lines").GetProperty("skippedByCategory").GetProperty("dataLoss").GetInt64());
        Assert.Equal(3, root.GetProperty("live").GetInt32());
        Assert.Equal(3, root.GetProperty("blocked").GetInt32());
        Assert.Equal(3, root.GetProperty("blockedByReason").GetProperty("chan send").GetInt64());

        JsonElement leak = root.GetProperty("leaks")[0];
        Assert.Equal("0x140000036c0", leak.GetProperty("g").GetString());
        Assert.Equal(6, leak.GetProperty("reasonCode").GetInt32());
        Assert.Equal("chan send", leak.GetProperty("reason").GetString());
        Assert.Equal("0x140000021c0", leak.GetProperty("parent").GetString());
        Assert.Equal(17, leak.GetProperty("line").GetInt64());

        Assert.Equal(0, root.GetProperty("anomalies").GetProperty("total").GetInt64());
        Assert.Equal("dataLoss", root.GetProperty("warnings")[0].GetProperty("kind").GetString());
        Assert.Equal(11, root.GetProperty("warnings")[0].GetProperty("line").GetInt64());

        JsonElement script = root.GetProperty("scriptCounters");
        Assert.True(script.GetProperty("present").GetBoolean());
        Assert.Equal(3, script.GetProperty("count").GetInt64());
        Assert.Equal(3, script.GetProperty("blockedCount").GetInt64());
        Assert.True(script.GetProperty("agree").GetBoolean());
    }

    [Fact]
    public void FromJson_OfToJson_RoundTrips()
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixtures.PathOf("leaky.dtrace.txt"));
        string json = ReportWriter.ToJson(engine.GetSummary());
        TraceSummary back = ReportWriter.FromJson(json);
        Assert.Equal(json, ReportWriter.ToJson(back));
        Assert.Equal(0x14000003880UL, back.Leaks[2].G);
    }
}
