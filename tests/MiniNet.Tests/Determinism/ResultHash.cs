using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace MiniNet.Tests.Determinism;

/// <summary>A SHA-256 over the bytes of every result a section of the determinism suite computes, in order.</summary>
internal sealed class ResultHash : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>How many tensors and numbers went in (a section that adds nothing is a bug of the section).</summary>
    public int Count { get; private set; }

    /// <summary>Adds a label (so that two sections that compute the same bytes in another order differ) and nothing else.</summary>
    public void Label(string label) => _hash.AppendData(Encoding.UTF8.GetBytes(label));

    /// <summary>Adds a tensor's dtype, shape and element bytes; a null tensor (no gradient) as a marker.</summary>
    public void Add(Tensor? tensor)
    {
        Count++;
        if (tensor is null)
        {
            Label("null");
            return;
        }
        Label($"{tensor.DType}{tensor.Shape}");
        if (tensor.DType == DType.Float32) Append(tensor.AsReadOnlySpan<float>());
        else Append(tensor.AsReadOnlySpan<double>());
    }

    // A NaN's sign and payload differ between CPU families (x86 makes −NaN where Arm makes +NaN) and mean nothing:
    // every NaN is hashed as T.NaN.
    private void Append<T>(ReadOnlySpan<T> values) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        bool anyNaN = false;
        foreach (T value in values) anyNaN |= T.IsNaN(value);
        if (!anyNaN)
        {
            _hash.AppendData(MemoryMarshal.AsBytes(values));
            return;
        }
        var canonical = values.ToArray();
        for (int i = 0; i < canonical.Length; i++) if (T.IsNaN(canonical[i])) canonical[i] = T.NaN;
        _hash.AppendData(MemoryMarshal.AsBytes(canonical.AsSpan()));
    }

    /// <summary>Adds a number's bits.</summary>
    public void Add(double value)
    {
        Count++;
        _hash.AppendData(BitConverter.GetBytes(double.IsNaN(value) ? double.NaN : value));
    }

    /// <summary>The first 16 hexadecimal digits of the hash: enough to tell any two results apart in practice.</summary>
    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset())[..16];

    public void Dispose() => _hash.Dispose();
}
