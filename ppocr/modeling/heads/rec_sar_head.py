"""SARHead: "Show, Attend and Read" attention decoder, PP-OCRv3's GTC guide branch.

Encoder: the feature map is max-pooled over its height, run through a 2-layer LSTM, and the step at
each image's valid width (``valid_ratio``) gives a holistic feature. Decoder: a 2-layer LSTM over
[holistic feature, character embeddings] whose states attend (2-D additive attention) over the
feature map; each step predicts from [state, glimpse, holistic feature].

Training is teacher-forced from ``batch["label_sar"]`` ([N, L]: start token, characters, end token,
padding) and masked by ``batch["valid_ratio"]`` (optional: no masking without it); the output
``sar`` holds logits [N, L, num_classes_sar - 1]. In eval it decodes greedily for
``max_text_length`` steps and returns ``probs`` [N, max_text_length, num_classes_sar - 1].
Class layout (from the charset): ..., start/end = C - 2, padding = C - 1 (C = ``num_classes_sar``).
"""

from __future__ import annotations

from typing import Any

import paddle
from paddle import nn
from paddle.nn import functional as F

from ppocr.errors import ConfigError, DataError
from ppocr.modeling.row_conv import conv_rows
from ppocr.registry import HEADS


def _rnn(gru: bool, size_in: int, size: int, dropout: float, bidirectional: bool):
    cls = nn.GRU if gru else nn.LSTM
    return cls(input_size=size_in, hidden_size=size, num_layers=2, time_major=False, dropout=dropout,
               direction="bidirectional" if bidirectional else "forward")


class SAREncoder(nn.Layer):
    def __init__(self, d_model: int, d_enc: int, bi_rnn: bool, drop_rnn: float, gru: bool):
        super().__init__()
        self.rnn_encoder = _rnn(gru, d_model, d_enc, drop_rnn, bi_rnn)
        size = d_enc * (2 if bi_rnn else 1)
        self.linear = nn.Linear(size, size)

    def forward(self, feat, valid_ratios=None):
        seq = feat.max(axis=2).transpose([0, 2, 1])  # max over height: [N, W, C]
        hidden = self.rnn_encoder(seq)[0]  # [N, T, C]
        if valid_ratios is None:
            last = hidden[:, -1, :]
        else:
            n, t, c = hidden.shape
            step = paddle.minimum(paddle.ceil(valid_ratios.astype("float32") * t),
                                  paddle.full([1], t, "float32")).astype("int64") - 1
            index = paddle.arange(n, dtype="int64") * t + step.reshape([-1])
            last = paddle.gather(hidden.reshape([-1, c]), index)
        return self.linear(last)


class ParallelSARDecoder(nn.Layer):
    def __init__(self, num_classes: int, d_model: int, d_enc: int, enc_bi_rnn: bool, dec_bi_rnn: bool,
                 dec_drop_rnn: float, dec_gru: bool, d_k: int, pred_dropout: float,
                 max_text_length: int, pred_concat: bool):
        super().__init__()
        self.num_classes = num_classes
        self.start_idx = num_classes - 2
        self.padding_idx = num_classes - 1
        self.max_seq_len = max_text_length
        self.pred_concat = pred_concat
        enc_size = d_enc * (2 if enc_bi_rnn else 1)
        dec_size = enc_size * (2 if dec_bi_rnn else 1)
        # 2-D attention (PaddleOCR's names: the "1x1 convs" are linear layers)
        self.conv1x1_1 = nn.Linear(dec_size, d_k)
        self.conv3x3_1 = nn.Conv2D(d_model, d_k, kernel_size=3, stride=1, padding=1)
        self.conv1x1_2 = nn.Linear(d_k, 1)
        self.rnn_decoder = _rnn(dec_gru, enc_size, enc_size, dec_drop_rnn, dec_bi_rnn)
        self.embedding = nn.Embedding(num_classes, enc_size, padding_idx=self.padding_idx)
        self.pred_dropout = nn.Dropout(pred_dropout)
        fc_in = dec_size + d_model + enc_size if pred_concat else d_model
        self.prediction = nn.Linear(fc_in, num_classes - 1)

    def attend(self, dec_input, feat, holistic, valid_ratios, dropout: bool):
        """[N, L, E] decoder input -> [N, L, num_classes - 1] scores."""
        y = self.rnn_decoder(dec_input)[0]  # [N, L, H]
        query = self.conv1x1_1(y).unsqueeze([3, 4])  # [N, L, d_k, 1, 1]
        # the key conv skips the zero-padding rows of one-pixel-high features in training
        key = conv_rows(self.conv3x3_1, feat).unsqueeze(1)  # [N, 1, d_k, h, w]
        score = self.conv1x1_2(paddle.tanh(key + query).transpose([0, 1, 3, 4, 2]))  # [N, L, h, w, 1]
        n, steps, h, w, _ = score.shape
        if valid_ratios is not None:
            width = paddle.minimum(paddle.ceil(valid_ratios.astype("float32") * w),
                                   paddle.full([1], w, "float32"))
            outside = paddle.arange(w, dtype="float32").reshape([1, -1]) >= width.reshape([-1, 1])
            score = paddle.where(outside.reshape([-1, 1, 1, w, 1]),
                                 paddle.full_like(score, float("-inf")), score)
        weight = F.softmax(score.reshape([n, steps, -1]), axis=-1)
        weight = weight.reshape([n, steps, h, w, 1]).transpose([0, 1, 4, 2, 3])  # [N, L, 1, h, w]
        glimpse = (feat.unsqueeze(1) * weight).sum(axis=[3, 4])  # [N, L, C]
        if self.pred_concat:
            hol = holistic.expand([n, steps, holistic.shape[-1]])
            y = self.prediction(paddle.concat([y, glimpse.astype(y.dtype), hol.astype(y.dtype)], axis=2))
        else:
            y = self.prediction(glimpse)
        return self.pred_dropout(y) if dropout else y

    def forward_train(self, feat, holistic, label, valid_ratios):
        embedded = self.embedding(label)  # [N, L, E]
        holistic = holistic.unsqueeze(1).astype(embedded.dtype)  # [N, 1, E]
        out = self.attend(paddle.concat([holistic, embedded], axis=1), feat, holistic, valid_ratios,
                          dropout=True)
        return out[:, 1:, :]

    def forward_test(self, feat, holistic, valid_ratios):
        n = feat.shape[0]
        holistic = holistic.unsqueeze(1)
        start = self.embedding(paddle.full([n, 1], self.start_idx, dtype="int64"))  # [N, 1, E]
        # step 0 is the holistic feature; every later position starts as the start token and is
        # overwritten by the embedding of the character predicted for it
        tokens = [holistic] + [start] * self.max_seq_len
        outputs = []
        for i in range(1, self.max_seq_len + 1):
            scores = self.attend(paddle.concat(tokens, axis=1), feat, holistic, valid_ratios,
                                 dropout=False)
            probs = F.softmax(scores[:, i, :], axis=-1)
            outputs.append(probs)
            if i < self.max_seq_len:
                tokens[i + 1] = self.embedding(probs.argmax(axis=1)).unsqueeze(1)
        return paddle.stack(outputs, axis=1)


@HEADS.register
class SARHead(nn.Layer):
    wants_batch = True
    export_key = "probs"

    def __init__(self, in_channels: int, charset: Any, enc_dim: int = 512, max_text_length: int = 30,
                 enc_bi_rnn: bool = False, enc_drop_rnn: float = 0.1, enc_gru: bool = False,
                 dec_bi_rnn: bool = False, dec_drop_rnn: float = 0.0, dec_gru: bool = False,
                 d_k: int = 512, pred_dropout: float = 0.1, pred_concat: bool = True):
        super().__init__()
        num_classes = getattr(charset, "num_classes_sar", None)
        if not isinstance(num_classes, int) or num_classes < 3:
            raise ConfigError(f"SARHead needs the recognition charset (Global.character_dict_path) "
                              f"to size its output; got {charset!r}")
        for key, value in (("enc_bi_rnn", enc_bi_rnn), ("enc_gru", enc_gru), ("dec_bi_rnn", dec_bi_rnn),
                           ("dec_gru", dec_gru), ("pred_concat", pred_concat)):
            if not isinstance(value, bool):
                raise ConfigError(f"SARHead: {key} must be true or false, got {value!r}")
        if not 0 <= enc_drop_rnn < 1 or not 0 <= dec_drop_rnn < 1:
            raise ConfigError("SARHead: enc_drop_rnn and dec_drop_rnn must be in [0, 1)")
        if not isinstance(max_text_length, int) or max_text_length < 1:
            raise ConfigError(f"SARHead: max_text_length must be a positive int, got {max_text_length!r}")
        self.encoder = SAREncoder(in_channels, enc_dim, enc_bi_rnn, enc_drop_rnn, enc_gru)
        self.decoder = ParallelSARDecoder(num_classes, in_channels, enc_dim, enc_bi_rnn, dec_bi_rnn,
                                          dec_drop_rnn, dec_gru, d_k, pred_dropout, max_text_length,
                                          pred_concat)

    def forward(self, feat, batch: dict | None = None) -> dict:
        batch = batch or {}
        valid_ratios = batch.get("valid_ratio")
        holistic = self.encoder(feat, valid_ratios)
        if not self.training:
            return {"probs": self.decoder.forward_test(feat, holistic, valid_ratios)}
        if batch.get("label_sar") is None:
            raise DataError("SARHead: training needs batch['label_sar'] (MultiLabelEncode / "
                            "SARLabelEncode in the Train transforms, kept by KeepKeys)")
        return {"sar": self.decoder.forward_train(feat, holistic, batch["label_sar"], valid_ratios)}
