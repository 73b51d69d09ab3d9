using System.Text.Json;
using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>Writes an enum in the report's JSON as its camelCase name (<c>goroutineLimit</c>), the contract's style for kinds.</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
internal sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where TEnum : struct, Enum;
