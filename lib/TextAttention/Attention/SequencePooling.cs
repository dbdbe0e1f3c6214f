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

    /// <summary>Computes the pooling on checked inputs; <paramref name="mask"/> is never null here.</summary>
    protected abstract PoolingOutput Pool(Tensor x, Tensor mask);

    /// <summary>Zeroes padded positions of x when this variant is masked, so their values cannot leak into any output.</summary>
    protected Tensor MaskInputs(Tensor x, Tensor mask) =>
        IsMasked ? x.masked_fill(mask.logical_not().unsqueeze(-1), 0) : x;   // (B, T, D)

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
