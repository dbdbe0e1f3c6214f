using TextAttention.Attention;
using static TorchSharp.torch;

namespace TextAttention.Models;

/// <summary>What the classifier computes for a batch: logits (B, K) and the pooling's output.</summary>
public sealed record ClassifierOutput(Tensor Logits, PoolingOutput Pooling);
