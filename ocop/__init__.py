"""ocop: the information system of Vietnam's OCOP programme (Chương trình Mỗi xã một sản phẩm)."""
