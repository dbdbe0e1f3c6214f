using TextAttention.Attention;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextAttention.Models;

/// <summary>
/// A bidirectional LSTM over right-padded batches that never lets a direction read padding, computed
/// without packing. The forward direction runs over the padded batch as it is: at a real position t &lt; L it
/// has read only real tokens. The backward direction runs, as a forward LSTM with its own weights, over each
/// sequence reversed within its length (x_{L-1}, …, x_0, then the padding), and its outputs are put back in
/// order by the same reversal; at a real position it too has read only real tokens. Padded positions of the
/// result are 0, exactly as <c>pad_packed_sequence</c> leaves them. So the result equals a packed
/// <c>nn.LSTM(bidirectional: true)</c> with the same weights (a test checks it), while libtorch's CPU LSTM
/// takes its whole-sequence path, which is several times faster than stepping through packed batches.
/// </summary>
public sealed class BiLstmEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LSTM forwardDirection;
    private readonly LSTM backwardDirection;

    public BiLstmEncoder(long inputSize, long hiddenSize)
        : base(nameof(BiLstmEncoder))
    {
        forwardDirection = nn.LSTM(inputSize, hiddenSize, batchFirst: true);
        backwardDirection = nn.LSTM(inputSize, hiddenSize, batchFirst: true);
        HiddenSize = hiddenSize;
        RegisterComponents();
    }

    /// <summary>H per direction; the output has width 2H.</summary>
    public long HiddenSize { get; }

    /// <summary>Run each direction over packed sequences instead (the slow reference path; for benchmarks).</summary>
    public bool Packed { get; set; }

    /// <summary>The two directions' LSTMs, forward first, for copying weights to or from a bidirectional <c>nn.LSTM</c>.</summary>
    public (LSTM Forward, LSTM Backward) Directions => (forwardDirection, backwardDirection);

    /// <param name="x">Embedded tokens (B, T, E), right-padded.</param>
    /// <param name="lengths">True lengths (B), int64 on the CPU, each from 1 to T.</param>
    /// <returns>(B, T, 2H): forward states, then backward states; 0 at padded positions.</returns>
    public override Tensor forward(Tensor x, Tensor lengths) => Encode(x, lengths, Masking.FromLengths(lengths, x.shape[1]));

    /// <summary><see cref="forward"/> with the mask of <paramref name="lengths"/> (B, T) already built, so a caller that needs it too builds it once.</summary>
    public Tensor Encode(Tensor x, Tensor lengths, Tensor mask)
    {
        var T = x.shape[1];
        var reversal = ReversalIndex(lengths, T);                                         // (B, T)
        var reversed = Gather(x, reversal);                                               // (B, T, E)
        var forwards = Run(forwardDirection, x, lengths, T);                              // (B, T, H)
        var backwards = Gather(Run(backwardDirection, reversed, lengths, T), reversal);  // (B, T, H)
        return cat([forwards, backwards], 2).masked_fill(mask.logical_not().unsqueeze(-1), 0);   // (B, T, 2H)
    }

    /// <summary>
    /// For each sequence, position t → L − 1 − t within its length and t beyond it: (B, T). Applying it twice
    /// gives the identity, so one index both reverses and restores.
    /// </summary>
    public static Tensor ReversalIndex(Tensor lengths, long T)
    {
        var t = arange(T, dtype: ScalarType.Int64, device: lengths.device).unsqueeze(0);   // (1, T)
        var L = lengths.to_type(ScalarType.Int64).unsqueeze(1);                           // (B, 1)
        return where(t < L, L - 1 - t, t);                                                 // (B, T)
    }

    private static Tensor Gather(Tensor x, Tensor index) =>
        x.gather(1, index.unsqueeze(-1).expand(x.shape[0], x.shape[1], x.shape[2]));

    private Tensor Run(LSTM lstm, Tensor x, Tensor lengths, long T)
    {
        if (!Packed)
        {
            var (y, _, _) = lstm.call(x, null);
            return y;
        }

        var packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first: true, enforce_sorted: false);
        var (encoded, _, _) = lstm.call(packed, null);
        var (padded, _) = nn.utils.rnn.pad_packed_sequence(encoded, batch_first: true, total_length: T);
        return padded;
    }
}
