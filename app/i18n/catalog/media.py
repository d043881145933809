"""Photo evidence: why a photo was refused or could not be saved, and what to do instead."""

MESSAGES: dict[str, tuple[str, str]] = {
    "media.empty": (
        "照片文件是空的（0 字节）。请重新拍照，或选择另一张照片。",
        "The photo file is empty (0 bytes). Take the photo again or choose another one.",
    ),
    "media.too_large": (
        "照片文件过大（{size_mb} MB，上限为 {limit_mb} MB）。"
        "请调低相机分辨率后重拍，或选择较小的照片。",
        "The photo file is too large ({size_mb} MB; the limit is {limit_mb} MB). "
        "Retake it at a lower camera resolution or choose a smaller photo.",
    ),
    "media.not_an_image": (
        "所选文件不是照片。请选择 JPEG、PNG、WebP 或 HEIC 格式的照片，或直接拍照。",
        "The chosen file is not a photo. Choose a JPEG, PNG, WebP or HEIC photo, "
        "or take one with the camera.",
    ),
    "media.unsupported_format": (
        "不支持 {format} 格式的图片。请选择 JPEG、PNG、WebP 或 HEIC 格式的照片，或直接拍照。",
        "{format} images are not supported. Choose a JPEG, PNG, WebP or HEIC photo, "
        "or take one with the camera.",
    ),
    "media.damaged": (
        "照片文件已损坏或不完整（可能没有复制或下载完）。请重新拍照，或选择完整的文件。",
        "The photo file is damaged or incomplete (it may not have finished copying or "
        "downloading). Take the photo again or choose a complete copy.",
    ),
    "media.too_many_pixels": (
        "图片像素过多，无法处理（上限为 {limit_mp} 百万像素）。"
        "请选择较小的图片，或调低相机分辨率后重拍。",
        "The image has too many pixels to process (the limit is {limit_mp} megapixels). "
        "Choose a smaller image or retake the photo at a lower camera resolution.",
    ),
    "media.unreadable": (
        "无法打开该照片文件，它可能已被移动或删除，或本应用没有读取权限。请重新选择照片。",
        "The photo file could not be opened: it may have been moved or deleted, or the app "
        "is not allowed to read it. Choose the photo again.",
    ),
    "media.save_failed": (
        "照片无法保存到本设备。请确认存储空间充足后重试；已填写的内容不受影响。",
        "The photo could not be saved on this device. Make sure there is free storage "
        "space and try again; nothing else you entered is affected.",
    ),
}
