using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>What a <see cref="TraceWarning"/> is about; JSON writes the camelCase name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WarningKind>))]
public enum WarningKind
{
    /// <summary>The tracer lost data (<c>dtrace: N drops on CPU M</c>, bpftrace's <c>Lost N events</c>).</summary>
    [JsonStringEnumMemberName("dataLoss")]
    DataLoss,

    /// <summary>A probe faulted (<c>dtrace: error on enabled probe ID …</c>).</summary>
    [JsonStringEnumMemberName("probeError")]
    ProbeError,

    /// <summary>The tracer gave up (<c>dtrace: failed to …</c>).</summary>
    [JsonStringEnumMemberName("tracerFatal")]
    TracerFatal,

    /// <summary>A memory bound was reached: data was counted but not kept.</summary>
    [JsonStringEnumMemberName("limit")]
    Limit,

    /// <summary>Events arrived later than the reorder window and were applied out of time order.</summary>
    [JsonStringEnumMemberName("late")]
    Late,
}
