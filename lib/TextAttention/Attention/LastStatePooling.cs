using static TorchSharp.torch;

namespace TextAttention.Attention;

/// <summary>
/// The classic BiLSTM classifier's input: the final hidden state of each direction. For a
/// bidirectional encoder whose outputs are [forward; backward] halves of width H = D/2, the forward
/// direction ends at the last real token (index L−1) and the backward direction ends at the first
/// (index 0); reading index T−1 instead would take the forward state after the padding and a backward
/// state that has seen only padding. Derived in <c>03-masks-and-padding</c>.
/// <code>
///   context = [ x_{L−1}[0:H] ; x_0[H:D] ]      (B, D)   bidirectional
///   context =   x_{L−1}                        (B, D)   unidirectional
/// </code>
/// Weights are ½ at index 0 and ½ at index L−1 (1 where they coincide). An all-padding row gives 0.
/// </summary>
public sealed class LastStatePooling : SequencePooling
{
    public LastStatePooling(long dimension, bool bidirectional = true)
        : base(nameof(LastStatePooling), dimension, masked: true)
    {
        if (bidirectional && dimension % 2 != 0)
        {
            throw new ArgumentException($"a bidirectional encoder has an even width D = 2H; got D = {dimension}.", nameof(dimension));
        }

        Bidirectional = bidirectional;
    }

    public bool Bidirectional { get; }

    protected override PoolingOutput Pool(Tensor x, Tensor mask)
    {
        long B = x.shape[0], T = x.shape[1], D = x.shape[2];
        var lengths = mask.sum(1);                                                         // (B), int64
        var last = (lengths - 1).clamp_min(0);                                             // (B)
        var anyReal = (lengths > 0).unsqueeze(1);                                          // (B, 1)
        var lastIndex = last.view(B, 1, 1).expand(B, 1, D);                                // (B, 1, D)
        var atLast = x.gather(1, lastIndex).squeeze(1);                                    // (B, D)
        var positions = arange(T, device: x.device).unsqueeze(0);                          // (1, T)
        var lastOneHot = (positions == last.unsqueeze(1)).to_type(x.dtype);                // (B, T)

        Tensor context, weights;
        if (Bidirectional)
        {
            var H = D / 2;
            var forwardState = atLast.narrow(1, 0, H);                                     // (B, H)
            var backwardState = x.select(1, 0).narrow(1, H, H);                            // (B, H)
            context = cat([forwardState, backwardState], 1);                               // (B, D)
            var firstOneHot = (positions == 0).to_type(x.dtype).expand(B, T);              // (B, T)
            weights = 0.5 * (lastOneHot + firstOneHot);                                    // (B, T)
        }
        else
        {
            context = atLast;                                                              // (B, D)
            weights = lastOneHot;                                                          // (B, T)
        }

        return new PoolingOutput(
            context.masked_fill(anyReal.logical_not(), 0),
            weights.masked_fill(anyReal.logical_not(), 0),
            null);
    }
}
