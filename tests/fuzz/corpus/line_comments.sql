SELECT 1 -- x; y
; SELECT 2 --
; -- END;
SELECT 3 --