using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>Source-generated JSON metadata for the report: no reflection, trimming- and AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(TraceSummary))]
[JsonSerializable(typeof(LeakBaseline))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
