using static TorchSharp.torch;

namespace TextAttention.Text;

/// <summary>
/// One padded batch, each tensor with its shape: token ids (B, T) with <c>&lt;pad&gt;</c> = 0,
/// true lengths (B), labels (B), and the examples' indices in their split. T is the longest sequence in
/// this batch, not in the corpus. (The mask of real tokens is the model's business: it derives it from
/// the lengths, so there is one place that defines it.)
/// </summary>
public sealed record Batch(Tensor Ids, Tensor Lengths, Tensor Labels, int[] Indices) : IDisposable
{
    /// <summary>B, the number of examples.</summary>
    public int Size => Indices.Length;

    public void Dispose()
    {
        Ids.Dispose();
        Lengths.Dispose();
        Labels.Dispose();
    }
}
