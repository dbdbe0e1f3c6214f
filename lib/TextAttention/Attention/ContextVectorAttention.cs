using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextAttention.Attention;

/// <summary>
/// Word attention of Hierarchical Attention Networks (Yang et al., 2016, equations 5–7): a learned
/// "context vector" u_w acts as a fixed query that scores every position. The blog post's
/// <c>attention_2</c> when unmasked and without bias. Derived in <c>02-han-attention</c>.
/// <code>
///   u_t     = tanh(x_t W_w + b_w)          (B, T, D)   b_w optional (the blog post omits it)   (5)
///   α_t     = softmax_t(u_t · u_w)         (B, T), sums to 1                              (6)
///   context = Σ_t α_t x_t                  (B, D)                                         (7)
/// </code>
/// W_w (D×D) and u_w (D×1) start uniform in (−0.1, 0.1) as in the blog post; b_w starts at 0.
/// Masked, padded positions get α = 0 exactly.
/// </summary>
public sealed class ContextVectorAttention : SequencePooling
{
    private readonly Parameter W_w;
    private readonly Parameter? b_w;
    private readonly Parameter u_w;

    public ContextVectorAttention(long dimension, bool bias = false, bool masked = true)
        : base(nameof(ContextVectorAttention), dimension, masked)
    {
        W_w = new Parameter(empty(dimension, dimension).uniform_(-0.1, 0.1));
        b_w = bias ? new Parameter(zeros(dimension)) : null;
        u_w = new Parameter(empty(dimension, 1).uniform_(-0.1, 0.1));
        RegisterComponents();
    }

    public bool HasBias => b_w is not null;

    public override bool HasAttention => true;

    protected override PoolingOutput Pool(Tensor x, Tensor mask)
    {
        var values = MaskInputs(x, mask);                                 // (B, T, D)
        var projected = matmul(values, W_w);                              // (B, T, D)
        if (b_w is not null)
        {
            projected = projected + b_w;                                  // (B, T, D)
        }

        var u = tanh(projected);                                          // (B, T, D), equation (5)
        var scores = matmul(u, u_w).squeeze(-1);                          // (B, T)
        var alpha = IsMasked ? Masking.MaskedSoftmax(scores, mask) : softmax(scores, 1);   // (B, T), equation (6)
        alpha = Intervene(alpha, IsMasked ? mask : ones_like(mask));      // (B, T), as trained unless replaced
        var context = (alpha.unsqueeze(-1) * values).sum(1);              // (B, D), equation (7)
        return new PoolingOutput(context, alpha, null);
    }
}
