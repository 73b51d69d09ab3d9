using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>Writes a g pointer as a <c>"0x…"</c> lowercase hex string (JSON numbers lose precision past 2^53).</summary>
internal sealed class HexPointerJsonConverter : JsonConverter<ulong>
{
    public override ulong Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? text = reader.GetString();
        if (text is null || !text.StartsWith("0x", StringComparison.Ordinal)
            || !ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value))
        {
            throw new JsonException("Expected a \"0x…\" hex pointer.");
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, ulong value, JsonSerializerOptions options)
    {
        Span<char> buffer = stackalloc char[18];
        buffer[0] = '0';
        buffer[1] = 'x';
        value.TryFormat(buffer[2..], out int written, "x", CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..(written + 2)]);
    }
}

/// <summary>Writes an optional pointer as <c>"0x…"</c> or null.</summary>
internal sealed class NullableHexPointerJsonConverter : JsonConverter<ulong?>
{
    private static readonly HexPointerJsonConverter s_inner = new();

    public override bool HandleNull => true;

    public override ulong? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : s_inner.Read(ref reader, typeof(ulong), options);

    public override void Write(Utf8JsonWriter writer, ulong? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            s_inner.Write(writer, v, options);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
