using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>What the CI gate decided for one leak group; JSON writes the camelCase name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GroupVerdict>))]
public enum GroupVerdict
{
    /// <summary>Counts against the budget.</summary>
    [JsonStringEnumMemberName("offending")]
    Offending,

    /// <summary>Accepted by the baseline.</summary>
    [JsonStringEnumMemberName("accepted")]
    Accepted,

    /// <summary>Ignored by a rule (<c>--ignore</c>, <c>--ignore-reason</c>).</summary>
    [JsonStringEnumMemberName("ignored")]
    Ignored,
}
