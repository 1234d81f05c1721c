create temp trigger a after insert on t begin select 1; end;
CREATE TEMPORARY TRIGGER b AFTER INSERT ON t BEGIN SELECT 1; /* c */ End -- c
; SELECT 2