using System.Buffers.Binary;

namespace MiniNet.Data;

/// <summary>
/// The header of an IDX array as read and checked: the element type, the dimensions, and the element and
/// byte counts they declare (in 64-bit arithmetic that cannot overflow: a 0 anywhere means no elements).
/// </summary>
internal sealed class IdxHeader
{
    private IdxHeader(IdxElementType type, int[] dimensions, long elementCount, string declared)
    {
        ElementType = type;
        Dimensions = dimensions;
        ElementCount = elementCount;
        Declared = declared;
    }

    public IdxElementType ElementType { get; }

    /// <summary>The dimensions, each below 2³¹.</summary>
    public int[] Dimensions { get; }

    /// <summary>The number of elements, at most <see cref="Array.MaxLength"/>.</summary>
    public long ElementCount { get; }

    /// <summary>The bytes of data that follow the header.</summary>
    public long ByteCount => ElementCount * ElementType.ByteSize();

    /// <summary>The length of the header itself: the magic number and 4 bytes per dimension.</summary>
    public int Length => 4 + 4 * Dimensions.Length;

    /// <summary>The shape and type as error messages give them: <c>60000 × 28 × 28 u8</c>.</summary>
    public string Declared { get; }

    /// <summary>Reads and checks a header; the problems are refused with messages naming <paramref name="name"/>.</summary>
    public static IdxHeader Read(Stream source, string name)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = IdxFile.ReadFully(source, magic, name);
        if (got < magic.Length)
            throw IdxFile.Error(name, got == 0 ? "the file is empty; an IDX file starts with a 4-byte magic number"
                : $"the file ends after {got} bytes, inside the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw IdxFile.Error(name, $"not an IDX file: it starts with the bytes 0x{magic[0]:X2} 0x{magic[1]:X2}, where an IDX magic number has two zero bytes");
        if (!IdxElementTypeExtensions.IsKnown(magic[2]))
            throw IdxFile.Error(name, $"unknown element type code 0x{magic[2]:X2} in the magic number; IDX defines 0x08 (u8), 0x09 (i8), 0x0B (i16), 0x0C (i32), 0x0D (f32) and 0x0E (f64)");
        var type = (IdxElementType)magic[2];
        int rank = magic[3];
        if (rank is 0 or > IdxArray.MaxRank)
            throw IdxFile.Error(name, $"the header declares {rank} dimensions; an IDX array has 1 to {IdxArray.MaxRank}");

        Span<byte> dimensionBytes = stackalloc byte[4 * rank];
        got = IdxFile.ReadFully(source, dimensionBytes, name);
        if (got < dimensionBytes.Length)
            throw IdxFile.Error(name, $"the file ends inside the header: it declares {rank} dimensions but holds only {got} of their {dimensionBytes.Length} bytes");
        var dimensions = new ulong[rank];
        for (int d = 0; d < rank; d++) dimensions[d] = BinaryPrimitives.ReadUInt32BigEndian(dimensionBytes[(4 * d)..]);
        string declared = $"{string.Join(" × ", dimensions)} {type.ShortName()}";

        // A 0 anywhere holds nothing, however large the rest; otherwise checked 64-bit arithmetic, because
        // (2³² − 1)⁴ elements overflow it and must be refused, not wrapped.
        ulong elementCount = 0;
        if (!dimensions.Contains(0UL))
        {
            elementCount = 1;
            bool overflow = false;
            foreach (ulong dimension in dimensions) overflow |= Math.BigMul(elementCount, dimension, out elementCount) != 0;
            overflow |= Math.BigMul(elementCount, (ulong)type.ByteSize(), out _) != 0;
            if (overflow)
                throw IdxFile.Error(name, $"the header declares {declared} elements, more than 2⁶⁴ bytes: the header is corrupt");
            if (elementCount > (ulong)Array.MaxLength)
                throw IdxFile.Error(name, $"the header declares {declared} = {elementCount:N0} elements, more than the {Array.MaxLength:N0} an array can hold: the header is corrupt");
        }
        for (int d = 0; d < rank; d++)
            if (dimensions[d] > int.MaxValue)
                throw IdxFile.Error(name, $"dimension {d} of {declared} is {dimensions[d]:N0}, above the largest supported, 2³¹ − 1");
        return new IdxHeader(type, Array.ConvertAll(dimensions, d => (int)d), (long)elementCount, declared);
    }

    /// <summary>The shape, refused as an <see cref="InvalidDataException"/> naming the file if MiniNet's <see cref="Shape"/> cannot hold it.</summary>
    public Shape ToShape(string name)
    {
        try
        {
            return Shape.Create(Dimensions);
        }
        catch (ArgumentException e)
        {
            throw IdxFile.Error(name, $"the header declares the shape {Declared}, which a MiniNet shape cannot hold ({MessageText.Reason(e)})", e);
        }
    }
}
