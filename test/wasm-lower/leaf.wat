(module
  ;; a small leaf: neither entry check, no frame pointer
  (func $leaf (export "leaf") (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.add
  )
  ;; a loop: both checks
  (func $loops (export "loops") (param i32) (result i32)
    loop $l
      local.get 0
      i32.const 1
      i32.sub
      local.tee 0
      br_if $l
    end
    local.get 0
  )
  ;; a call: both checks (it may recurse)
  (func $calls (export "calls") (param i32) (result i32)
    local.get 0
    call $leaf
  )
  ;; a leaf too big to be small (601 instructions): both checks
  (func $big (export "big") (param i32) (result i32)
    local.get 0
    i32.const 0
    i32.add
    i32.const 1
    i32.add
    i32.const 2
    i32.add
    i32.const 3
    i32.add
    i32.const 4
    i32.add
    i32.const 5
    i32.add
    i32.const 6
    i32.add
    i32.const 7
    i32.add
    i32.const 8
    i32.add
    i32.const 9
    i32.add
    i32.const 10
    i32.add
    i32.const 11
    i32.add
    i32.const 12
    i32.add
    i32.const 13
    i32.add
    i32.const 14
    i32.add
    i32.const 15
    i32.add
    i32.const 16
    i32.add
    i32.const 17
    i32.add
    i32.const 18
    i32.add
    i32.const 19
    i32.add
    i32.const 20
    i32.add
    i32.const 21
    i32.add
    i32.const 22
    i32.add
    i32.const 23
    i32.add
    i32.const 24
    i32.add
    i32.const 25
    i32.add
    i32.const 26
    i32.add
    i32.const 27
    i32.add
    i32.const 28
    i32.add
    i32.const 29
    i32.add
    i32.const 30
    i32.add
    i32.const 31
    i32.add
    i32.const 32
    i32.add
    i32.const 33
    i32.add
    i32.const 34
    i32.add
    i32.const 35
    i32.add
    i32.const 36
    i32.add
    i32.const 37
    i32.add
    i32.const 38
    i32.add
    i32.const 39
    i32.add
    i32.const 40
    i32.add
    i32.const 41
    i32.add
    i32.const 42
    i32.add
    i32.const 43
    i32.add
    i32.const 44
    i32.add
    i32.const 45
    i32.add
    i32.const 46
    i32.add
    i32.const 47
    i32.add
    i32.const 48
    i32.add
    i32.const 49
    i32.add
    i32.const 50
    i32.add
    i32.const 51
    i32.add
    i32.const 52
    i32.add
    i32.const 53
    i32.add
    i32.const 54
    i32.add
    i32.const 55
    i32.add
    i32.const 56
    i32.add
    i32.const 57
    i32.add
    i32.const 58
    i32.add
    i32.const 59
    i32.add
    i32.const 60
    i32.add
    i32.const 61
    i32.add
    i32.const 62
    i32.add
    i32.const 63
    i32.add
    i32.const 64
    i32.add
    i32.const 65
    i32.add
    i32.const 66
    i32.add
    i32.const 67
    i32.add
    i32.const 68
    i32.add
    i32.const 69
    i32.add
    i32.const 70
    i32.add
    i32.const 71
    i32.add
    i32.const 72
    i32.add
    i32.const 73
    i32.add
    i32.const 74
    i32.add
    i32.const 75
    i32.add
    i32.const 76
    i32.add
    i32.const 77
    i32.add
    i32.const 78
    i32.add
    i32.const 79
    i32.add
    i32.const 80
    i32.add
    i32.const 81
    i32.add
    i32.const 82
    i32.add
    i32.const 83
    i32.add
    i32.const 84
    i32.add
    i32.const 85
    i32.add
    i32.const 86
    i32.add
    i32.const 87
    i32.add
    i32.const 88
    i32.add
    i32.const 89
    i32.add
    i32.const 90
    i32.add
    i32.const 91
    i32.add
    i32.const 92
    i32.add
    i32.const 93
    i32.add
    i32.const 94
    i32.add
    i32.const 95
    i32.add
    i32.const 96
    i32.add
    i32.const 97
    i32.add
    i32.const 98
    i32.add
    i32.const 99
    i32.add
    i32.const 100
    i32.add
    i32.const 101
    i32.add
    i32.const 102
    i32.add
    i32.const 103
    i32.add
    i32.const 104
    i32.add
    i32.const 105
    i32.add
    i32.const 106
    i32.add
    i32.const 107
    i32.add
    i32.const 108
    i32.add
    i32.const 109
    i32.add
    i32.const 110
    i32.add
    i32.const 111
    i32.add
    i32.const 112
    i32.add
    i32.const 113
    i32.add
    i32.const 114
    i32.add
    i32.const 115
    i32.add
    i32.const 116
    i32.add
    i32.const 117
    i32.add
    i32.const 118
    i32.add
    i32.const 119
    i32.add
    i32.const 120
    i32.add
    i32.const 121
    i32.add
    i32.const 122
    i32.add
    i32.const 123
    i32.add
    i32.const 124
    i32.add
    i32.const 125
    i32.add
    i32.const 126
    i32.add
    i32.const 127
    i32.add
    i32.const 128
    i32.add
    i32.const 129
    i32.add
    i32.const 130
    i32.add
    i32.const 131
    i32.add
    i32.const 132
    i32.add
    i32.const 133
    i32.add
    i32.const 134
    i32.add
    i32.const 135
    i32.add
    i32.const 136
    i32.add
    i32.const 137
    i32.add
    i32.const 138
    i32.add
    i32.const 139
    i32.add
    i32.const 140
    i32.add
    i32.const 141
    i32.add
    i32.const 142
    i32.add
    i32.const 143
    i32.add
    i32.const 144
    i32.add
    i32.const 145
    i32.add
    i32.const 146
    i32.add
    i32.const 147
    i32.add
    i32.const 148
    i32.add
    i32.const 149
    i32.add
    i32.const 150
    i32.add
    i32.const 151
    i32.add
    i32.const 152
    i32.add
    i32.const 153
    i32.add
    i32.const 154
    i32.add
    i32.const 155
    i32.add
    i32.const 156
    i32.add
    i32.const 157
    i32.add
    i32.const 158
    i32.add
    i32.const 159
    i32.add
    i32.const 160
    i32.add
    i32.const 161
    i32.add
    i32.const 162
    i32.add
    i32.const 163
    i32.add
    i32.const 164
    i32.add
    i32.const 165
    i32.add
    i32.const 166
    i32.add
    i32.const 167
    i32.add
    i32.const 168
    i32.add
    i32.const 169
    i32.add
    i32.const 170
    i32.add
    i32.const 171
    i32.add
    i32.const 172
    i32.add
    i32.const 173
    i32.add
    i32.const 174
    i32.add
    i32.const 175
    i32.add
    i32.const 176
    i32.add
    i32.const 177
    i32.add
    i32.const 178
    i32.add
    i32.const 179
    i32.add
    i32.const 180
    i32.add
    i32.const 181
    i32.add
    i32.const 182
    i32.add
    i32.const 183
    i32.add
    i32.const 184
    i32.add
    i32.const 185
    i32.add
    i32.const 186
    i32.add
    i32.const 187
    i32.add
    i32.const 188
    i32.add
    i32.const 189
    i32.add
    i32.const 190
    i32.add
    i32.const 191
    i32.add
    i32.const 192
    i32.add
    i32.const 193
    i32.add
    i32.const 194
    i32.add
    i32.const 195
    i32.add
    i32.const 196
    i32.add
    i32.const 197
    i32.add
    i32.const 198
    i32.add
    i32.const 199
    i32.add
    i32.const 200
    i32.add
    i32.const 201
    i32.add
    i32.const 202
    i32.add
    i32.const 203
    i32.add
    i32.const 204
    i32.add
    i32.const 205
    i32.add
    i32.const 206
    i32.add
    i32.const 207
    i32.add
    i32.const 208
    i32.add
    i32.const 209
    i32.add
    i32.const 210
    i32.add
    i32.const 211
    i32.add
    i32.const 212
    i32.add
    i32.const 213
    i32.add
    i32.const 214
    i32.add
    i32.const 215
    i32.add
    i32.const 216
    i32.add
    i32.const 217
    i32.add
    i32.const 218
    i32.add
    i32.const 219
    i32.add
    i32.const 220
    i32.add
    i32.const 221
    i32.add
    i32.const 222
    i32.add
    i32.const 223
    i32.add
    i32.const 224
    i32.add
    i32.const 225
    i32.add
    i32.const 226
    i32.add
    i32.const 227
    i32.add
    i32.const 228
    i32.add
    i32.const 229
    i32.add
    i32.const 230
    i32.add
    i32.const 231
    i32.add
    i32.const 232
    i32.add
    i32.const 233
    i32.add
    i32.const 234
    i32.add
    i32.const 235
    i32.add
    i32.const 236
    i32.add
    i32.const 237
    i32.add
    i32.const 238
    i32.add
    i32.const 239
    i32.add
    i32.const 240
    i32.add
    i32.const 241
    i32.add
    i32.const 242
    i32.add
    i32.const 243
    i32.add
    i32.const 244
    i32.add
    i32.const 245
    i32.add
    i32.const 246
    i32.add
    i32.const 247
    i32.add
    i32.const 248
    i32.add
    i32.const 249
    i32.add
    i32.const 250
    i32.add
    i32.const 251
    i32.add
    i32.const 252
    i32.add
    i32.const 253
    i32.add
    i32.const 254
    i32.add
    i32.const 255
    i32.add
    i32.const 256
    i32.add
    i32.const 257
    i32.add
    i32.const 258
    i32.add
    i32.const 259
    i32.add
    i32.const 260
    i32.add
    i32.const 261
    i32.add
    i32.const 262
    i32.add
    i32.const 263
    i32.add
    i32.const 264
    i32.add
    i32.const 265
    i32.add
    i32.const 266
    i32.add
    i32.const 267
    i32.add
    i32.const 268
    i32.add
    i32.const 269
    i32.add
    i32.const 270
    i32.add
    i32.const 271
    i32.add
    i32.const 272
    i32.add
    i32.const 273
    i32.add
    i32.const 274
    i32.add
    i32.const 275
    i32.add
    i32.const 276
    i32.add
    i32.const 277
    i32.add
    i32.const 278
    i32.add
    i32.const 279
    i32.add
    i32.const 280
    i32.add
    i32.const 281
    i32.add
    i32.const 282
    i32.add
    i32.const 283
    i32.add
    i32.const 284
    i32.add
    i32.const 285
    i32.add
    i32.const 286
    i32.add
    i32.const 287
    i32.add
    i32.const 288
    i32.add
    i32.const 289
    i32.add
    i32.const 290
    i32.add
    i32.const 291
    i32.add
    i32.const 292
    i32.add
    i32.const 293
    i32.add
    i32.const 294
    i32.add
    i32.const 295
    i32.add
    i32.const 296
    i32.add
    i32.const 297
    i32.add
    i32.const 298
    i32.add
    i32.const 299
    i32.add
  )
)
