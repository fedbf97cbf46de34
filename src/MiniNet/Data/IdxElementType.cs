namespace MiniNet.Data;

/// <summary>
/// The element type of an IDX file (the MNIST format), stored in the third byte of its magic number.
/// Multi-byte elements are big-endian in the file.
/// </summary>
public enum IdxElementType : byte
{
    /// <summary>Unsigned byte (0x08): the pixels and labels of MNIST and Fashion-MNIST.</summary>
    UInt8 = 0x08,

    /// <summary>Signed byte (0x09).</summary>
    Int8 = 0x09,

    /// <summary>Signed 16-bit integer (0x0B).</summary>
    Int16 = 0x0B,

    /// <summary>Signed 32-bit integer (0x0C).</summary>
    Int32 = 0x0C,

    /// <summary>32-bit IEEE 754 float (0x0D).</summary>
    Float32 = 0x0D,

    /// <summary>64-bit IEEE 754 float (0x0E).</summary>
    Float64 = 0x0E,
}

/// <summary>Helpers for <see cref="IdxElementType"/>.</summary>
public static class IdxElementTypeExtensions
{
    /// <summary>The size of one element in bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined element type.</exception>
    public static int ByteSize(this IdxElementType type) => type switch
    {
        IdxElementType.UInt8 or IdxElementType.Int8 => 1,
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Float32 => 4,
        IdxElementType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown IDX element type."),
    };

    /// <summary>True for the integer types (u8, i8, i16, i32), which can hold class labels.</summary>
    public static bool IsInteger(this IdxElementType type) => type is IdxElementType.UInt8 or IdxElementType.Int8
        or IdxElementType.Int16 or IdxElementType.Int32;

    /// <summary>Whether <paramref name="code"/> (the magic number's third byte) names an element type.</summary>
    internal static bool IsKnown(byte code) => Enum.IsDefined((IdxElementType)code);

    /// <summary>The short name used in messages: <c>u8</c>, <c>i8</c>, <c>i16</c>, <c>i32</c>, <c>f32</c>, <c>f64</c>.</summary>
    internal static string ShortName(this IdxElementType type) => type switch
    {
        IdxElementType.UInt8 => "u8",
        IdxElementType.Int8 => "i8",
        IdxElementType.Int16 => "i16",
        IdxElementType.Int32 => "i32",
        IdxElementType.Float32 => "f32",
        IdxElementType.Float64 => "f64",
        _ => $"0x{(byte)type:X2}",
    };
}
