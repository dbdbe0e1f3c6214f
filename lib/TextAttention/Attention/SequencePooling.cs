using TorchSharp;
using static TorchSharp.torch;

namespace TextAttention.Attention;

/// <summary>
/// The common contract of every pooling in this folder: encoder outputs <c>x</c> (B, T, D) and a
/// mask (B, T) of real tokens in, a <see cref="PoolingOutput"/> out. The mask may be null, which
/// means every position is real. Variants that are not <see cref="IsMasked"/> (the blog post's
/// forms) check the mask's shape but otherwise ignore it, as the blog post's code does.
/// </summary>
public abstract class SequencePooling : nn.Module<Tensor, Tensor?, PoolingOutput>
{
    protected SequencePooling(string name, long dimension, bool masked)
        : base(name)
    {
        if (dimension < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "the feature dimension D must be at least 1");
        }

        Dimension = dimension;
        IsMasked = masked;
    }

    /// <summary>D, the width of the encoder outputs (2H for a bidirectional LSTM of hidden size H).</summary>
    public long Dimension { get; }

    /// <summary>True when padded positions are excluded; false for the blog post's unmasked forms.</summary>
    public bool IsMasked { get; }

    /// <summary>Whether <see cref="PoolingOutput.Matrix"/> is filled.</summary>
    public virtual bool IsSelfAttention => false;

    /// <summary>Whether the pooling computes attention distributions (softmax over keys) that <see cref="Intervention"/> can replace.</summary>
    public virtual bool HasAttention => false;

    /// <summary>
    /// Replaces the pooling's attention distributions by uniform or permuted ones (for the uniform baseline of
    /// notebook 07); <see cref="AttentionIntervention.None"/>, the default, leaves the model as trained.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set to something else on a pooling without attention (mean, sum, max, last).</exception>
    public AttentionIntervention Intervention
    {
        get => _intervention;
        set => _intervention = value == AttentionIntervention.None || HasAttention
            ? value
            : throw new InvalidOperationException($"{GetName()} has no attention weights to replace.");
    }

    private AttentionIntervention _intervention;

    public sealed override PoolingOutput forward(Tensor x, Tensor? mask)
    {
        CheckInputs(x, mask);
        using var scope = NewDisposeScope();
        var realMask = mask ?? ones(x.shape[0], x.shape[1], dtype: ScalarType.Bool, device: x.device);   // (B, T)
        var output = Pool(x, realMask);
        // Intermediate tensors go when the scope closes (autograd keeps what it needs); the results stay.
        scope.MoveToOuter(output.Context);
        scope.MoveToOuter(output.Weights);
        if (output.Matrix is not null)
        {
            scope.MoveToOuter(output.Matrix);
        }

        return output;
    }

    /// <summary>
    /// The context vector alone (B, D): the same numbers as <see cref="forward"/>'s, for a caller that reads nothing
    /// else (training). Poolings whose weights cost extra work beside the context (<c>mhsa</c>'s explicit matrix)
    /// skip it here.
    /// </summary>
    public Tensor Context(Tensor x, Tensor? mask)
    {
        CheckInputs(x, mask);
        using var scope = NewDisposeScope();
        var context = PoolContext(x, mask ?? ones(x.shape[0], x.shape[1], dtype: ScalarType.Bool, device: x.device));
        return scope.MoveToOuter(context);
    }

    /// <summary>Computes the pooling on checked inputs; <paramref name="mask"/> is never null here.</summary>
    protected abstract PoolingOutput Pool(Tensor x, Tensor mask);

    /// <summary>The context of <see cref="Pool"/>; override when it can be had without the weights.</summary>
    protected virtual Tensor PoolContext(Tensor x, Tensor mask) => Pool(x, mask).Context;

    /// <summary>Zeroes padded positions of x when this variant is masked, so their values cannot leak into any output.</summary>
    protected Tensor MaskInputs(Tensor x, Tensor mask) =>
        IsMasked ? x.masked_fill(mask.logical_not().unsqueeze(-1), 0) : x;   // (B, T, D)

    /// <summary>
    /// Applies <see cref="Intervention"/> to attention distributions over the last dimension: <paramref name="keys"/>
    /// (broadcastable to <paramref name="distribution"/>, Bool) marks the keys a row may read. Uniform spreads each row's
    /// total evenly over them; permuted moves each row's values to a random order among them. Other keys keep their values.
    /// </summary>
    protected Tensor Intervene(Tensor distribution, Tensor keys)
    {
        if (Intervention == AttentionIntervention.None)
        {
            return distribution;
        }

        var readable = keys.expand_as(distribution);                                          // (..., T)
        if (Intervention == AttentionIntervention.Uniform)
        {
            var share = readable.to_type(distribution.dtype);
            var total = (distribution * share).sum(-1, keepdim: true);                          // (..., 1)
            var spread = total * share / share.sum(-1, keepdim: true).clamp_min(1);              // (..., T)
            return where(readable, spread, distribution);
        }

        // Readable keys first in ascending position, then the rest: where each row's values go.
        var T = distribution.shape[^1];
        var position = arange(T, dtype: ScalarType.Int64, device: distribution.device);      // (T)
        var slots = where(readable, position, position + T).argsort(-1);                      // (..., T)
        // Readable keys first in random order, then the rest in ascending order: where each row's values come from.
        var shuffled = where(readable, rand(distribution.shape, device: distribution.device), position + 1.0).argsort(-1);   // (..., T)
        return distribution.scatter(-1, slots, distribution.gather(-1, shuffled));
    }

    /// <summary>The number of real tokens per sequence, as x's dtype, at least 1 so an all-padding row divides safely: (B).</summary>
    protected static Tensor RealLengths(Tensor mask, ScalarType dtype) =>
        mask.sum(1).to_type(dtype).clamp_min(1);

    private void CheckInputs(Tensor x, Tensor? mask)
    {
        if (x.dim() != 3 || x.shape[2] != Dimension || x.shape[1] < 1)
        {
            throw new ArgumentException($"{GetName()}: x must have shape (B, T, D) = (B, T, {Dimension}) with T ≥ 1; got {Masking.Shape(x)}.", nameof(x));
        }

        if (!x.is_floating_point())
        {
            throw new ArgumentException($"{GetName()}: x must be floating point; got {x.dtype}.", nameof(x));
        }

        if (mask is null)
        {
            return;
        }

        if (mask.dim() != 2 || mask.shape[0] != x.shape[0] || mask.shape[1] != x.shape[1] || mask.dtype != ScalarType.Bool)
        {
            throw new ArgumentException($"{GetName()}: mask must have shape (B, T) = ({x.shape[0]}, {x.shape[1]}) and dtype Bool; got {Masking.Shape(mask)} {mask.dtype}.", nameof(mask));
        }

        if (mask.device_type != x.device_type || mask.device_index != x.device_index)
        {
            throw new ArgumentException($"{GetName()}: mask is on {mask.device} but x is on {x.device}.", nameof(mask));
        }
    }
}
