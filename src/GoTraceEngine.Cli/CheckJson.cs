using System.Text.Json.Serialization;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(CheckResultJson))]
internal sealed partial class CheckJsonContext : JsonSerializerContext;

/// <summary>The JSON form of a check: the verdict and the groups (the full report is available with <c>replay --format json</c>).</summary>
/// <param name="Passed">Whether the check passed.</param>
/// <param name="MaxLeaks">The budget.</param>
/// <param name="Offending">Offending suspects.</param>
/// <param name="LeakAfterNs">The leak-after threshold.</param>
/// <param name="Groups">Every group with its verdict.</param>
/// <param name="Warnings">The report's warnings (data loss makes a pass less certain).</param>
internal sealed record CheckResultJson(bool Passed, long MaxLeaks, long Offending, long LeakAfterNs, IReadOnlyList<JudgedGroup> Groups, IReadOnlyList<TraceWarning> Warnings);
